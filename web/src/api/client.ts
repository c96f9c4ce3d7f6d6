// Calls to the API (/v1/..., under the runtime config's API URL): bearer token in, problems out.

import { ApiProblem, problemFrom } from "../lib/problem";
import { apiAddress } from "./runtimeConfig";

export type Query = Record<string, string | number | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export class ApiClient {
  constructor(
    private readonly token: string | null,
    private readonly onUnauthenticated: () => void = () => undefined,
    private readonly fetcher: typeof fetch = (...args) => fetch(...args),
  ) {}

  async request<T>(method: string, path: string, body?: unknown, query?: Query, extraHeaders?: Record<string, string>): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json", ...extraHeaders };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const response = await this.fetcher(apiAddress(withQuery(path, query)), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON (a proxy's error page): kept as text for the problem.
    }
    if (!response.ok) {
      if (response.status === 401 && this.token) this.onUnauthenticated();
      throw problemFrom(response.status, parsed);
    }
    return parsed as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>("GET", path, undefined, query);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("PATCH", path, body);
  }

  delete(path: string): Promise<void> {
    return this.request<void>("DELETE", path);
  }
}

export interface Page<Item> {
  items: Item[];
  next_cursor: string | null;
}

/** Every item of a list, page by page, up to a cap (CSV export of a whole search). */
export async function allPages<Item>(
  client: ApiClient,
  path: string,
  query: Query,
  cap = 5000,
): Promise<{ items: Item[]; truncated: boolean }> {
  const items: Item[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Item> = await client.get<Page<Item>>(path, { ...query, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < cap);
  return { items: items.slice(0, cap), truncated: Boolean(cursor) || items.length > cap };
}

/** The API has no such route (yet): a 404 or 405, or API Gateway's 403 for a route it does not know. */
export function isNotFound(error: unknown): boolean {
  if (!(error instanceof ApiProblem)) return false;
  return error.status === 404 || error.status === 405 || (error.status === 403 && error.detail === "Missing Authentication Token");
}
