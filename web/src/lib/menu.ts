// The console's menu, built from what the operator may view. Archive kinds come from the API
// (GET /v1/archives lists only the kinds this operator may view), grouped into sections.

import { archiveModule, can, type PermissionSet } from "./permissions";

export type SectionName = "organisation" | "finance" | "customers" | "devices" | "network" | "other";

const SECTION_OF_KIND: Record<string, SectionName> = {
  "region-levels": "organisation",
  regions: "organisation",
  branches: "organisation",
  "sales-points": "organisation",
  "payment-terms": "finance",
  banks: "finance",
  "charge-items": "finance",
  tariffs: "finance",
  "vend-amounts": "finance",
  "numbering-rules": "finance",
  "customer-types": "customers",
  "service-types": "customers",
  "service-rates": "customers",
  "meter-models": "devices",
  "replacement-reasons": "devices",
  "event-types": "devices",
  "voltage-levels": "network",
  lines: "network",
  transformers: "network",
  sites: "network",
  projects: "network",
  "power-grids": "network",
  topologies: "network",
  "topology-nodes": "network",
  "billing-templates": "finance",
};

const SECTION_ORDER: SectionName[] = ["organisation", "finance", "customers", "devices", "network", "other"];

/** Kinds with a screen of their own elsewhere in the menu (roles live under System). */
const KINDS_SHOWN_ELSEWHERE = new Set(["roles"]);

export interface ArchiveSection {
  section: SectionName;
  kinds: string[];
}

export function archiveSections(kinds: readonly string[]): ArchiveSection[] {
  const grouped = new Map<SectionName, string[]>();
  for (const kind of kinds) {
    if (KINDS_SHOWN_ELSEWHERE.has(kind)) continue;
    const section = SECTION_OF_KIND[kind] ?? "other";
    grouped.set(section, [...(grouped.get(section) ?? []), kind]);
  }
  return SECTION_ORDER.filter((section) => grouped.has(section)).map((section) => ({
    section,
    kinds: grouped.get(section) ?? [],
  }));
}

/** A screen outside the archives: where it lives, the permission that shows it, and whether its
 * API exists yet (meters, customers, vending and reports are being built). */
export interface ScreenEntry {
  key: string;
  path: string;
  module: string;
  group: "top" | "system";
}

export const SCREENS: ScreenEntry[] = [
  { key: "menu.meters", path: "/meters", module: "meters", group: "top" },
  { key: "menu.customers", path: "/customers", module: "customers", group: "top" },
  { key: "menu.vending", path: "/vending", module: "vending", group: "top" },
  { key: "menu.cancel", path: "/vending/cancel", module: "vending", group: "top" },
  { key: "menu.engineering", path: "/vending/engineering", module: "engineering-tokens", group: "top" },
  { key: "ops.batch", path: "/vending/batch", module: "vending", group: "top" },
  { key: "menu.operations", path: "/operations", module: "commands", group: "top" },
  { key: "menu.reports", path: "/reports", module: "reports", group: "top" },
  { key: "menu.lineLoss", path: "/reports/line-loss", module: "reports", group: "top" },
  { key: "menu.operators", path: "/system/operators", module: "operators", group: "system" },
  { key: "menu.roles", path: "/system/roles", module: archiveModule("roles"), group: "system" },
  { key: "menu.notifications", path: "/system/notifications", module: "notifications", group: "system" },
  { key: "menu.audit", path: "/system/audit", module: "audit", group: "system" },
  { key: "menu.loginLog", path: "/system/login-log", module: "login-log", group: "system" },
  { key: "menu.backups", path: "/system/backups", module: "reports", group: "system" },
];

export function visibleScreens(granted: PermissionSet, group: ScreenEntry["group"]): ScreenEntry[] {
  return SCREENS.filter((screen) => screen.group === group && can(granted, screen.module, "view"));
}
