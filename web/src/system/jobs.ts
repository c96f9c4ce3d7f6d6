// Jobs the API runs for a while (backups, billing exports): when to stop polling and what to offer.

export interface JobView {
  id: string;
  status: string;
  progress?: number;
  items?: number;
  files?: Record<string, number>;
  download_url?: string;
  download_urls?: Record<string, string>;
  created_at?: string;
  finished_at?: string;
  [field: string]: unknown;
}

const FINAL_STATES = new Set(["done", "failed", "cancelled"]);

export function isFinished(job: Pick<JobView, "status"> | null | undefined): boolean {
  return Boolean(job && FINAL_STATES.has(job.status));
}

export function jobPercent(job: Pick<JobView, "status" | "progress">): number {
  if (job.status === "done") return 100;
  const value = Number(job.progress ?? 0);
  return Number.isFinite(value) ? Math.max(0, Math.min(100, Math.round(value))) : 0;
}

/** The links a finished job offers, as (name, url): a backup's files (manifest first), or one export. */
export function downloadLinks(job: JobView, fallbackName = "export"): [string, string][] {
  if (job.download_urls) {
    return Object.entries(job.download_urls).sort(([left], [right]) =>
      left === "manifest.json" ? -1 : right === "manifest.json" ? 1 : left.localeCompare(right),
    );
  }
  const name = job.report && job.format ? `${String(job.report)}.${String(job.format)}` : fallbackName;
  return job.download_url ? [[name, job.download_url]] : [];
}

/** "YYYY-MM", the month a billing export starts or ends at. */
export function isMonth(text: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(text.trim());
}

/** The platform's own operators (tenant "platform", role "platform-operator") restore backups. */
export function isPlatformOperator(me: { tenant: string; roles: string[] } | null | undefined): boolean {
  return Boolean(me && me.tenant === "platform" && me.roles.includes("platform-operator"));
}
