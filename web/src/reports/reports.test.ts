import { describe, expect, it } from "vitest";

import {
  catalogueOptions,
  chartPoints,
  defaultMeasure,
  exportFormats,
  formParameters,
  groupChoices,
  initialValues,
  labelColumns,
  parameterQuery,
  type ReportAnswer,
} from "./reportData";

const daily: ReportAnswer = {
  report: "sales-daily",
  title: "Daily sales",
  parameters: {},
  columns: [
    { key: "day", title: "Day", kind: "text" },
    { key: "operator", title: "Operator", kind: "text" },
    { key: "sales_count", title: "Sales", kind: "count" },
    { key: "sales_energy", title: "Energy kWh", kind: "energy" },
    { key: "sales_net", title: "Sales amount", kind: "money" },
  ],
  rows: [
    { day: "2026-11-21", operator: "admin", sales_count: 2, sales_energy: "10.5", sales_net: "150.00" },
    { day: "2026-11-22", operator: null, sales_count: 1, sales_energy: "x", sales_net: "50.00" },
  ],
  totals: { sales_count: 3 },
};

describe("reports rendered from their columns", () => {
  it("label chart points by the grouping columns and read measures as numbers", () => {
    expect(labelColumns(daily).map((column) => column.key)).toEqual(["day", "operator"]);
    expect(chartPoints(daily)).toEqual([
      { label: "2026-11-21 · admin", sales_count: 2, sales_energy: 10.5, sales_net: 150 },
      { label: "2026-11-22 · —", sales_count: 1, sales_energy: 0, sales_net: 50 },
    ]);
  });

  it("chart money first, else the first measure", () => {
    expect(defaultMeasure(daily)).toBe("sales_net");
    const counts = { ...daily, columns: daily.columns.filter((column) => column.kind !== "money") };
    expect(defaultMeasure(counts)).toBe("sales_count");
  });

  it("send only the parameters given, lists joined by commas, the format when exporting", () => {
    expect(parameterQuery({ from: "2026-11-01", to: "", group: ["day", "operator"], meters: [], days: 7, open: false })).toEqual({
      from: "2026-11-01",
      group: "day,operator",
      days: "7",
      open: "false",
    });
    expect(parameterQuery({ view: "detail" }, "xlsx")).toEqual({ view: "detail", format: "xlsx" });
  });

  it("build the form from the catalogue's parameters, or the sales reports' own when it has none", () => {
    const declared = {
      name: "meters-idle",
      title: "Meters not bought from",
      section: "meters",
      parameters: [
        { name: "days", kind: "integer", title: "Days", default: 30 },
        { name: "format", kind: "choice", title: "Format", default: "json", choices: ["json", "csv"] },
      ],
      formats: ["json", "csv"],
    };
    expect(formParameters(declared).map((parameter) => parameter.name)).toEqual(["days"]);
    expect(initialValues(formParameters(declared))).toEqual({ days: 30 });
    expect(exportFormats(declared)).toEqual(["csv"]);
    const legacy = { name: "sales-daily", title: "Daily sales", default_group: ["day"] };
    expect(formParameters(legacy).map((parameter) => parameter.name)).toEqual(["from", "to", "group", "view"]);
    expect(initialValues(formParameters(legacy))).toEqual({ group: ["day"], view: "summary" });
    expect(exportFormats(legacy)).toEqual(["csv", "xlsx", "pdf"]);
    expect(catalogueOptions([declared, legacy, { ...declared, name: "x", title: "X" }]).map((group) => group.options.length)).toEqual([2, 1]);
  });

  it("offer a report's own default groups with the common ones, once each", () => {
    const choices = groupChoices({ name: "x", title: "X", default_group: ["feeder", "day"] });
    expect(choices.slice(0, 2)).toEqual(["feeder", "day"]);
    expect(choices.filter((group) => group === "day")).toHaveLength(1);
  });
});
