import { describe, expect, it } from "vitest";

import { downloadLinks, isFinished, isMonth, isPlatformOperator, jobPercent } from "./jobs";

describe("jobs", () => {
  it("stop polling at a final state only", () => {
    expect(["queued", "running", "done", "failed"].map((status) => isFinished({ status }))).toEqual([false, false, true, true]);
    expect(isFinished(null)).toBe(false);
  });

  it("show progress within 0-100, full when done", () => {
    expect(jobPercent({ status: "running", progress: 66.6 })).toBe(67);
    expect(jobPercent({ status: "done", progress: 50 })).toBe(100);
    expect(jobPercent({ status: "queued" })).toBe(0);
  });

  it("offer a backup's files with the manifest first, or an export under its report name", () => {
    const backup = { id: "b", status: "done", download_urls: { "vends.ndjson": "u2", "manifest.json": "u1", "archives.ndjson": "u3" } };
    expect(downloadLinks(backup).map(([name]) => name)).toEqual(["manifest.json", "archives.ndjson", "vends.ndjson"]);
    expect(downloadLinks({ id: "e", status: "done", report: "billing", format: "xlsx", download_url: "u" })).toEqual([["billing.xlsx", "u"]]);
    expect(downloadLinks({ id: "e", status: "running" })).toEqual([]);
  });

  it("accept months as YYYY-MM", () => {
    expect(["2026-01", "2026-1", "2026-00", " 2026-12 "].map(isMonth)).toEqual([true, false, false, true]);
  });

  it("offer the restore to the platform's operators only", () => {
    expect(isPlatformOperator({ tenant: "platform", roles: ["platform-operator"] })).toBe(true);
    expect(isPlatformOperator({ tenant: "demo", roles: ["platform-operator"] })).toBe(false);
    expect(isPlatformOperator({ tenant: "platform", roles: ["admin"] })).toBe(false);
    expect(isPlatformOperator(null)).toBe(false);
  });
});
