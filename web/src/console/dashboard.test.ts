import { describe, expect, it } from "vitest";

import { countBars, eventsByType, readingRatePercent, salesByMonth, topSalesPoints, type DashboardFigures } from "./dashboardData";

const figures: DashboardFigures = {
  as_of: "2026-11-22",
  meter_status: { total: 9, by_state: { in_warehouse: 1, in_service: 8 } },
  reading_rate: { rate: 0.5, by_day: [{ day: "2026-11-21", rate: 0.8765, received: 10, expected: 12 }] },
  billing_by_month: [{ month: "2026-11", sales_count: 2, sales_amount: "150.50", income: "150.50" }],
  top_sales_points: [{ sales_point: "HQ", sales_amount: "99.00" }],
  events_by_type: [{ code: "E1", name: "", count: 3 }],
};

describe("dashboard figures as chart bars", () => {
  it("sort counts largest first and read amounts and rates as numbers", () => {
    expect(countBars(figures.meter_status?.by_state)).toEqual([
      { label: "in_service", value: 8 },
      { label: "in_warehouse", value: 1 },
    ]);
    expect(salesByMonth(figures)).toEqual([{ label: "2026-11", value: 150.5 }]);
    expect(readingRatePercent(figures)).toEqual([{ label: "11-21", value: 87.7 }]);
    expect(topSalesPoints(figures)).toEqual([{ label: "HQ", value: 99 }]);
    expect(eventsByType(figures)).toEqual([{ label: "E1", value: 3 }]);
  });

  it("show nothing for figures the API did not send", () => {
    const bare = { as_of: "2026-11-22" };
    expect(countBars(undefined)).toEqual([]);
    expect([salesByMonth(bare), readingRatePercent(bare), topSalesPoints(bare), eventsByType(bare)]).toEqual([[], [], [], []]);
  });
});
