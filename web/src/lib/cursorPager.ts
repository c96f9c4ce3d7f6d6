// Paging over opaque cursors: the API gives a next cursor only, so the pager keeps the cursor of
// every page it has seen to go back.

export interface CursorPager {
  /** cursors[i] fetches page i; page 0 has none. */
  readonly cursors: readonly (string | null)[];
  readonly page: number;
  readonly nextCursor: string | null;
}

export const firstPage: CursorPager = { cursors: [null], page: 0, nextCursor: null };

export function currentCursor(pager: CursorPager): string | null {
  return pager.cursors[pager.page] ?? null;
}

export function withNextCursor(pager: CursorPager, nextCursor: string | null): CursorPager {
  return { ...pager, nextCursor };
}

export function hasNext(pager: CursorPager): boolean {
  return pager.nextCursor !== null;
}

export function hasPrevious(pager: CursorPager): boolean {
  return pager.page > 0;
}

export function nextPage(pager: CursorPager): CursorPager {
  if (pager.nextCursor === null) return pager;
  const cursors = [...pager.cursors.slice(0, pager.page + 1), pager.nextCursor];
  return { cursors, page: pager.page + 1, nextCursor: null };
}

export function previousPage(pager: CursorPager): CursorPager {
  if (pager.page === 0) return pager;
  return { cursors: pager.cursors, page: pager.page - 1, nextCursor: null };
}
