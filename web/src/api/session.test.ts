import { describe, expect, it } from "vitest";

import { isCurrent, loadSession, refreshBody, saveSession, sessionFromLogin } from "./session";

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

const LOGIN = { access_token: "id-1", expires_in: 3600, tenant: "demo", username: "admin", refresh_token: "r-1" };

describe("operator session", () => {
  it("renews a minute before the token expires and keeps the refresh token through a refresh", () => {
    const started = sessionFromLogin(LOGIN, 0);
    expect(started.expiresAt).toBe(3540 * 1000);
    expect(refreshBody(started)).toEqual({ tenant: "demo", username: "admin", refresh_token: "r-1" });
    const renewed = sessionFromLogin({ ...LOGIN, access_token: "id-2", refresh_token: undefined }, 3540 * 1000, started);
    expect([renewed.token, renewed.refreshToken, renewed.expiresAt]).toEqual(["id-2", "r-1", 7080 * 1000]);
  });

  it("keeps an expired session only while it can be refreshed", () => {
    const storage = new MemoryStorage() as unknown as Storage;
    saveSession(storage, sessionFromLogin(LOGIN, 0));
    const later = 4000 * 1000;
    const loaded = loadSession(storage, later);
    expect(loaded?.token).toBe("id-1");
    expect(loaded && isCurrent(loaded, later)).toBe(false);
    saveSession(storage, sessionFromLogin({ ...LOGIN, refresh_token: undefined }, 0));
    expect(loadSession(storage, later)).toBeNull();
  });
});
