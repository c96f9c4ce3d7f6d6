// Days and times as the tenant counts them (its time zone): the API stores UTC, every screen shows tenant time.

export function tenantToday(timezone: string | undefined, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone: timezone || "UTC", year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

const OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

/** A stored UTC stamp as "YYYY-MM-DD HH:mm:ss" on the tenant's wall clock. A stamp without an offset is
 * already tenant-local (receipts print their own local time) and is shown as it is. */
export function tenantTime(stamp: unknown, timezone: string | undefined): string {
  if (typeof stamp !== "string" || !stamp) return "";
  const moment = new Date(stamp);
  if (!OFFSET.test(stamp) || Number.isNaN(moment.getTime())) return stamp.replace("T", " ").slice(0, 19);
  try {
    const parts = new Intl.DateTimeFormat("en-CA", {
      timeZone: timezone || "UTC", hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).formatToParts(moment);
    const part = (type: string) => parts.find((found) => found.type === type)?.value ?? "";
    return `${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")}:${part("second")}`;
  } catch {
    return moment.toISOString().replace("T", " ").slice(0, 19);
  }
}
