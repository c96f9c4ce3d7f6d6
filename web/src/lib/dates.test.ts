import { describe, expect, it } from "vitest";

import { tenantTime, tenantToday } from "./dates";

describe("tenant dates", () => {
  it("shows a UTC stamp on the tenant's wall clock, whatever the browser's zone", () => {
    expect(tenantTime("2026-03-31T21:00:30+00:00", "Africa/Nairobi")).toBe("2026-04-01 00:00:30");
    expect(tenantTime("2026-03-31T18:29:30Z", "Asia/Kolkata")).toBe("2026-03-31 23:59:30");
    expect(tenantTime("2026-11-01T05:30:00.000+00:00", "America/New_York")).toBe("2026-11-01 01:30:00");
    expect(tenantTime("2026-11-01T06:30:00.000+00:00", "America/New_York")).toBe("2026-11-01 01:30:00");
  });

  it("leaves a tenant-local stamp as it is and shows nothing for no stamp", () => {
    expect(tenantTime("2026-03-31T23:59", "Asia/Kolkata")).toBe("2026-03-31 23:59");
    expect(tenantTime(undefined, "UTC")).toBe("");
  });

  it("counts today in the tenant's zone", () => {
    const moment = new Date("2026-03-31T21:30:00Z");
    expect(tenantToday("Africa/Nairobi", moment)).toBe("2026-04-01");
    expect(tenantToday("America/New_York", moment)).toBe("2026-03-31");
  });
});
