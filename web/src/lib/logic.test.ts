import { describe, expect, it } from "vitest";

import { isNotFound } from "../api/client";
import { changesPerDay } from "./activity";
import { toCsv } from "./csv";
import { currentCursor, firstPage, hasNext, hasPrevious, nextPage, previousPage, withNextCursor } from "./cursorPager";
import { archiveSections, visibleScreens } from "./menu";
import { formatMoney } from "./money";
import { can, setModuleActions, togglePermission } from "./permissions";
import { ApiProblem, fieldPath, placeProblems, problemFrom } from "./problem";

describe("permissions", () => {
  it("grant by star, by module star and by exact action, and nothing else", () => {
    expect(can(new Set(["*"]), "operators", "delete")).toBe(true);
    expect(can(new Set(["operators:*"]), "operators", "delete")).toBe(true);
    expect(can(new Set(["operators:view"]), "operators", "view")).toBe(true);
    expect(can(new Set(["operators:view"]), "operators", "create")).toBe(false);
    expect(can(new Set(["archives.regions:view"]), "archives.region", "view")).toBe(false);
  });

  it("toggle one permission and a whole module row", () => {
    expect(togglePermission(["b:view"], "a:view", true)).toEqual(["a:view", "b:view"]);
    expect(togglePermission(["a:view", "b:view"], "a:view", false)).toEqual(["b:view"]);
    const all = setModuleActions(["x:view", "audit:view"], "operators", ["view", "create"], true);
    expect(all).toEqual(["audit:view", "operators:create", "operators:view", "x:view"]);
    expect(setModuleActions(all, "operators", ["view", "create"], false)).toEqual(["audit:view", "x:view"]);
  });
});

describe("problems", () => {
  it("turn field paths into form name paths", () => {
    expect(fieldPath("code")).toEqual(["code"]);
    expect(fieldPath("steps[1].price")).toEqual(["steps", 1, "price"]);
    expect(fieldPath("roles[0]")).toEqual(["roles", 0]);
  });

  it("place field problems at form fields and the rest above the form", () => {
    const problem = problemFrom(400, {
      title: "Invalid input",
      detail: "code: bad",
      errors: [
        { field: "code", message: "String should match pattern" },
        { field: "steps[0].price", message: "required" },
        { field: "body", message: "not valid JSON" },
      ],
    });
    const placed = placeProblems(problem, new Set(["code", "name", "steps"]));
    expect(placed.atFields).toEqual([
      { path: ["code"], messages: ["String should match pattern"] },
      { path: ["steps", 0, "price"], messages: ["required"] },
    ]);
    expect(placed.general).toEqual(["body: not valid JSON"]);
  });

  it("show the detail when a problem names no field", () => {
    const problem = new ApiProblem({ title: "Conflict", status: 409, detail: "code BR01 is taken" });
    expect(placeProblems(problem, new Set(["code"])).general).toEqual(["code BR01 is taken"]);
  });

  it("read a body that is not a problem document", () => {
    const problem = problemFrom(502, "Bad gateway");
    expect(problem.status).toBe(502);
    expect(problem.detail).toBe("Bad gateway");
  });
});

describe("csv", () => {
  it("quotes separators, quotes and line breaks, and keeps formulas as text", () => {
    const text = toCsv(
      [
        { title: "code", value: (row: { code: string; name: string }) => row.code },
        { title: "name", value: (row: { code: string; name: string }) => row.name },
      ],
      [
        { code: "A1", name: 'Big, "main" office' },
        { code: "=cmd()", name: "two\nlines" },
        { code: "-12.5", name: "" },
      ],
    );
    expect(text).toBe('\uFEFFcode,name\r\nA1,"Big, ""main"" office"\r\n\'=cmd(),"two\nlines"\r\n-12.5,\r\n');
  });
});

describe("cursor pager", () => {
  it("goes forward with the API's cursors and back through those it kept", () => {
    let pager = withNextCursor(firstPage, "c1");
    expect(hasNext(pager)).toBe(true);
    pager = withNextCursor(nextPage(pager), "c2");
    expect(currentCursor(pager)).toBe("c1");
    pager = withNextCursor(nextPage(pager), null);
    expect(currentCursor(pager)).toBe("c2");
    expect(hasNext(pager)).toBe(false);
    expect(nextPage(pager)).toBe(pager);
    pager = previousPage(pager);
    expect(currentCursor(pager)).toBe("c1");
    pager = previousPage(previousPage(pager));
    expect(hasPrevious(pager)).toBe(false);
    expect(currentCursor(pager)).toBeNull();
  });
});

describe("money", () => {
  it("uses the tenant's currency and decimals in the user's language", () => {
    // Intl puts no-break spaces between currency and digits: compared as plain spaces.
    const plain = (text: string) => text.replace(/\s/g, " ");
    expect(plain(formatMoney("1234.5", { currency: "KES", decimals: 2 }, "en"))).toBe("KES 1,234.50");
    expect(plain(formatMoney("1234.5", { currency: "XOF", decimals: 0 }, "en"))).toBe("XOF 1,235");
    expect(plain(formatMoney(1234.5, { currency: "EUR", decimals: 2 }, "fr"))).toBe("1 234,50 EUR");
    expect(formatMoney("n/a", { currency: "KES", decimals: 2 }, "en")).toBe("n/a");
    expect(formatMoney(null, { currency: "KES", decimals: 2 }, "en")).toBe("");
  });
});

describe("menu", () => {
  it("groups kinds into sections, unknown kinds under other, roles apart", () => {
    const sections = archiveSections(["regions", "tariffs", "roles", "branches", "brand-new-kind"]);
    expect(sections).toEqual([
      { section: "organisation", kinds: ["regions", "branches"] },
      { section: "finance", kinds: ["tariffs"] },
      { section: "other", kinds: ["brand-new-kind"] },
    ]);
  });

  it("shows system screens only with their view permission", () => {
    const granted = new Set(["audit:view", "operators:create"]);
    expect(visibleScreens(granted, "system").map((screen) => screen.path)).toEqual(["/system/audit"]);
    expect(visibleScreens(new Set(["*"]), "system")).toHaveLength(6);
    expect(visibleScreens(new Set(["reports:view"]), "system").map((screen) => screen.path)).toEqual(["/system/backups"]);
    expect(visibleScreens(new Set(["*"]), "top").map((screen) => screen.path)).toContain("/vending");
  });
});

describe("activity", () => {
  it("counts entries per day and skips those without a time", () => {
    const entries = [
      { at: "2026-03-02T10:00:00.000+00:00" },
      { at: "2026-03-01T09:00:00.000+00:00" },
      { at: "2026-03-02T11:00:00.000+00:00" },
      {},
    ];
    expect(changesPerDay(entries)).toEqual([
      { day: "01", changes: 1 },
      { day: "02", changes: 2 },
    ]);
  });
});

describe("routes the API does not have", () => {
  it("count as not found: 404, 405 and the gateway's 403 for an unknown route", () => {
    expect(isNotFound(problemFrom(404, { title: "Not found" }))).toBe(true);
    expect(isNotFound(problemFrom(403, { message: "Missing Authentication Token" }))).toBe(true);
    expect(isNotFound(problemFrom(403, { title: "Forbidden", detail: "permission meters:view is needed" }))).toBe(false);
    expect(isNotFound(new Error("network"))).toBe(false);
  });
});
