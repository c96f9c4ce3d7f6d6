// Line loss as the API reports it (GET /v1/line-loss, /v1/line-loss/tree, /v1/energy-statistics): the
// query a period picks, the colour a loss rate earns, and the tree drawn with its figures.

import type { Query } from "../api/client";

export type PeriodKind = "month" | "season" | "year";
export type EnergyKind = "forward" | "reverse" | "combined";
export const LEVELS = ["line", "transformer", "area", "node"] as const;

export interface LossSelection {
  topology: string;
  periodKind: PeriodKind;
  period: string;
  levels: string[];
  energy: EnergyKind;
}

export interface LossNode {
  id: string;
  code: string;
  name: string;
  level: string;
  master_meter: string | null;
  meters: number;
  supplied_kwh: string;
  downstream_kwh: string;
  loss_kwh: string;
  loss_rate: string | null;
  downstream_meters: number;
  children: LossNode[];
}

export interface LossTree {
  report: string;
  parameters: Record<string, unknown>;
  roots: LossNode[];
}

const PERIOD_PATTERNS: Record<PeriodKind, RegExp> = {
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
  season: /^\d{4}-Q[1-4]$/,
  year: /^\d{4}$/,
};

export function isPeriod(kind: PeriodKind, text: string): boolean {
  return PERIOD_PATTERNS[kind].test(text.trim());
}

/** The period a kind starts at: the month, quarter or year of `today`, the tenant's YYYY-MM-DD. */
export function currentPeriod(kind: PeriodKind, today: string): string {
  const [year, month] = today.split("-");
  if (kind === "year") return year;
  if (kind === "season") return `${year}-Q${Math.floor((Number(month) - 1) / 3) + 1}`;
  return `${year}-${month}`;
}

/** The query string of one selection: `month=`, `season=` or `year=`, levels comma-joined. */
export function lossQuery(selection: LossSelection, format?: string): Query {
  return {
    topology: selection.topology,
    [selection.periodKind]: selection.period.trim(),
    level: selection.levels.join(","),
    energy: selection.energy === "forward" ? undefined : selection.energy,
    format,
  };
}

export type LossBand = "none" | "low" | "moderate" | "high" | "negative";

/** A loss rate's band: up to 5 % low, up to 10 % moderate, more high; below zero (the meters read more
 * than was supplied) means a reading or topology to check; no rate when nothing was supplied. */
export function lossBand(rate: string | null | undefined): LossBand {
  if (rate === null || rate === undefined || rate === "") return "none";
  const value = Number(rate);
  if (!Number.isFinite(value)) return "none";
  if (value < 0) return "negative";
  if (value <= 5) return "low";
  if (value <= 10) return "moderate";
  return "high";
}

export const BAND_COLOURS: Record<LossBand, string> = {
  none: "default",
  low: "green",
  moderate: "gold",
  high: "red",
  negative: "purple",
};

/** Every node's id, depth first (to open the whole tree at once). */
export function nodeIds(roots: readonly LossNode[]): string[] {
  return roots.flatMap((node) => [node.id, ...nodeIds(node.children)]);
}

/** The nodes whose loss is high, for a summary line above the tree. */
export function highLossNodes(roots: readonly LossNode[]): LossNode[] {
  return roots.flatMap((node) => [...(lossBand(node.loss_rate) === "high" ? [node] : []), ...highLossNodes(node.children)]);
}
