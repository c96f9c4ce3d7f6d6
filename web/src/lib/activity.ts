// Counting log entries by day for the dashboard's activity chart.

export interface StampedEntry {
  at?: string;
}

/** Entries per day of the month ("01".."31"), from their ISO timestamps, in day order. */
export function changesPerDay(entries: StampedEntry[]): { day: string; changes: number }[] {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    if (!entry.at || entry.at.length < 10) continue;
    const day = entry.at.slice(8, 10);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, changes]) => ({ day, changes }));
}
