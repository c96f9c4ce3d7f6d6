import { describe, expect, it } from "vitest";

import { currentPeriod, highLossNodes, isPeriod, lossBand, lossQuery, nodeIds, type LossNode } from "./lineLoss";

function node(id: string, rate: string | null, children: LossNode[] = []): LossNode {
  return {
    id, code: id.toUpperCase(), name: id, level: "line", master_meter: null, meters: 0, supplied_kwh: "0.000",
    downstream_kwh: "0.000", loss_kwh: "0.000", loss_rate: rate, downstream_meters: 0, children,
  };
}

describe("line loss", () => {
  it("asks for the period the operator picked, levels joined, forward energy by default", () => {
    const selection = { topology: "t1", periodKind: "season" as const, period: " 2026-Q3 ", levels: ["line", "transformer"], energy: "forward" as const };
    expect(lossQuery(selection)).toEqual({ topology: "t1", season: "2026-Q3", level: "line,transformer", energy: undefined, format: undefined });
    expect(lossQuery({ ...selection, periodKind: "year", period: "2025", energy: "combined" }, "xlsx")).toMatchObject({ year: "2025", energy: "combined", format: "xlsx" });
  });

  it("checks and starts periods of each kind", () => {
    expect(isPeriod("month", "2026-11")).toBe(true);
    expect(isPeriod("month", "2026-13")).toBe(false);
    expect(isPeriod("season", "2026-Q5")).toBe(false);
    expect(isPeriod("year", "26")).toBe(false);
    const day = "2026-11-22";
    expect([currentPeriod("month", day), currentPeriod("season", day), currentPeriod("year", day)]).toEqual(["2026-11", "2026-Q4", "2026"]);
  });

  it("colours a loss rate by band, and none without supply", () => {
    expect(["4.99", "5.00", "5.01", "10.00", "10.01", "-0.50", null].map(lossBand)).toEqual(["low", "low", "moderate", "moderate", "high", "negative", "none"]);
  });

  it("walks the tree depth first and picks the high-loss nodes", () => {
    const roots = [node("a", "3.00", [node("b", "12.50", [node("c", "20.00")]), node("d", null)])];
    expect(nodeIds(roots)).toEqual(["a", "b", "c", "d"]);
    expect(highLossNodes(roots).map((found) => found.id)).toEqual(["b", "c"]);
  });
});
