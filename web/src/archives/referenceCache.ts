// Names of referenced records (a sales point's branch, a tariff's charge items) for lists and
// pickers: one page of each referenced kind, fetched once per sign-in.

import type { ApiClient, Page } from "../api/client";

export interface RecordSummary {
  id: string;
  code: string;
  name: string;
}

const caches = new WeakMap<ApiClient, Map<string, Promise<RecordSummary[]>>>();
const PICKER_PAGE = 200;

export function referencedRecords(client: ApiClient, kind: string): Promise<RecordSummary[]> {
  let cache = caches.get(client);
  if (!cache) {
    cache = new Map();
    caches.set(client, cache);
  }
  let records = cache.get(kind);
  if (!records) {
    records = client
      .get<Page<RecordSummary>>(`/v1/archives/${kind}`, { limit: PICKER_PAGE })
      .then((page) => page.items)
      .catch(() => []);
    cache.set(kind, records);
  }
  return records;
}

/** Forget a kind after it changed, so pickers and lists show the new records. */
export function forgetReferences(client: ApiClient, kind: string): void {
  caches.get(client)?.delete(kind);
}

export function summaryLabel(record: RecordSummary): string {
  return `${record.code} · ${record.name}`;
}
