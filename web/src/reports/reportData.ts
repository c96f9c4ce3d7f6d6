// A report as GET /v1/reports/{name} answers it (columns with a kind, rows, totals), made ready for a
// table and a chart without knowing which report it is.

export type ColumnKind = "text" | "money" | "energy" | "count" | string;

export interface ReportColumn {
  key: string;
  title: string;
  kind: ColumnKind;
}

export type ReportRow = Record<string, string | number | null>;

export interface ReportAnswer {
  report: string;
  title: string;
  parameters: Record<string, unknown>;
  columns: ReportColumn[];
  rows: ReportRow[];
  totals: Record<string, string | number | null>;
}

/** One query parameter as the catalogue declares it; the form is built from these. */
export interface ParameterSpec {
  name: string;
  kind: "date" | "month" | "integer" | "boolean" | "choice" | "text" | "list" | string;
  title: string;
  required?: boolean;
  default?: unknown;
  choices?: string[];
  minimum?: number;
  maximum?: number;
}

export interface CatalogueEntry {
  name: string;
  title: string;
  section?: string;
  default_group?: string[];
  parameters?: ParameterSpec[];
  columns?: unknown[];
  formats?: string[];
}

export type ParameterValues = Record<string, unknown>;

export const MEASURE_KINDS = new Set(["money", "energy", "count", "number", "percent"]);
export const KNOWN_GROUPS = ["day", "month", "year", "sales_point", "operator", "customer_type", "meter_model", "branch", "region"];

export function measureColumns(report: ReportAnswer): ReportColumn[] {
  return report.columns.filter((column) => MEASURE_KINDS.has(column.kind));
}

export function labelColumns(report: ReportAnswer): ReportColumn[] {
  return report.columns.filter((column) => !MEASURE_KINDS.has(column.kind));
}

/** One point per row: its label (the row's grouping values) and every measure as a number. */
export function chartPoints(report: ReportAnswer): Record<string, string | number>[] {
  const labels = labelColumns(report);
  const measures = measureColumns(report);
  return report.rows.map((row) => {
    const point: Record<string, string | number> = {
      label: labels.map((column) => String(row[column.key] ?? "—")).join(" · ") || report.title,
    };
    for (const column of measures) {
      const value = Number(row[column.key] ?? 0);
      point[column.key] = Number.isFinite(value) ? value : 0;
    }
    return point;
  });
}

/** The measure a chart starts with: the first money column, else the first measure. */
export function defaultMeasure(report: ReportAnswer): string | undefined {
  const measures = measureColumns(report);
  return (measures.find((column) => column.kind === "money") ?? measures[0])?.key;
}

/** The groups a report can be asked for: the ones every report knows and its own defaults. */
export function groupChoices(entry: CatalogueEntry | undefined): string[] {
  return [...new Set([...(entry?.default_group ?? []), ...KNOWN_GROUPS])];
}

/** The parameters a report's form shows: the catalogue's (the format is chosen by the export button), or
 * the sales reports' own when the catalogue declares none. */
export function formParameters(entry: CatalogueEntry | undefined): ParameterSpec[] {
  if (entry?.parameters) return entry.parameters.filter((parameter) => parameter.name !== "format");
  return [
    { name: "from", kind: "date", title: "From" },
    { name: "to", kind: "date", title: "To" },
    { name: "group", kind: "list", title: "Group by", default: entry?.default_group ?? [], choices: groupChoices(entry) },
    { name: "view", kind: "choice", title: "View", default: "summary", choices: ["summary", "detail"] },
  ];
}

export function initialValues(parameters: ParameterSpec[]): ParameterValues {
  return Object.fromEntries(parameters.filter((parameter) => parameter.default !== undefined).map((parameter) => [parameter.name, parameter.default]));
}

/** The query string for these values: lists joined by commas, empty values left out. */
export function parameterQuery(values: ParameterValues, format?: string): Record<string, string | undefined> {
  const query: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === "") continue;
    if (Array.isArray(value)) {
      if (value.length) query[name] = value.map(String).join(",");
    } else {
      query[name] = String(value);
    }
  }
  if (format) query.format = format;
  return query;
}

export function exportFormats(entry: CatalogueEntry | undefined): string[] {
  return (entry?.formats ?? ["csv", "xlsx", "pdf"]).filter((format) => format !== "json");
}

/** The catalogue as picker options, grouped by section when the catalogue names them. */
export function catalogueOptions(entries: CatalogueEntry[]): { label: string; options: { value: string; label: string }[] }[] {
  const sections = new Map<string, { value: string; label: string }[]>();
  for (const entry of entries) {
    const section = entry.section ?? "";
    sections.set(section, [...(sections.get(section) ?? []), { value: entry.name, label: entry.title }]);
  }
  return [...sections.entries()].map(([section, options]) => ({ label: section, options }));
}

/** Parameters shown at once: dates, choices, numbers, anything required or with a default; the optional
 * free lists (filters by id) wait behind "more filters". */
export function isMainParameter(parameter: ParameterSpec): boolean {
  return parameter.required === true || parameter.default !== undefined || parameter.kind !== "list" || Boolean(parameter.choices?.length);
}
