// The signed-in operator's token, kept in the browser until they sign out: renewed with the refresh token from
// sign-in (POST /v1/auth/refresh, the same flow as sign-in) a minute before it expires.

export interface Session {
  token: string;
  tenant: string;
  username: string;
  expiresAt: number;
  refreshToken?: string;
}

const SESSION_KEY = "gridvend.session";

export function loadSession(storage: Storage, now = Date.now()): Session | null {
  try {
    const session = JSON.parse(storage.getItem(SESSION_KEY) ?? "null") as Session | null;
    if (!session || typeof session.token !== "string") return null;
    return session.expiresAt > now || session.refreshToken ? session : null;
  } catch {
    return null;
  }
}

export function saveSession(storage: Storage, session: Session): void {
  storage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(storage: Storage): void {
  storage.removeItem(SESSION_KEY);
}

export interface LoginAnswer {
  access_token: string;
  expires_in: number;
  tenant: string;
  username: string;
  refresh_token?: string;
}

/** A session from a sign-in or refresh answer; a refresh answer keeps the refresh token the session had. */
export function sessionFromLogin(answer: LoginAnswer, now = Date.now(), previous?: Session): Session {
  // A minute's margin so a request never leaves with a token about to expire.
  return {
    token: answer.access_token,
    tenant: answer.tenant,
    username: answer.username,
    expiresAt: now + Math.max(answer.expires_in - 60, 1) * 1000,
    refreshToken: answer.refresh_token ?? previous?.refreshToken,
  };
}

/** Whether the token can be used now; an expired one waits for its refresh. */
export function isCurrent(session: Session, now = Date.now()): boolean {
  return session.expiresAt > now;
}

export function refreshBody(session: Session): Record<string, string> {
  return { tenant: session.tenant, username: session.username, refresh_token: session.refreshToken ?? "" };
}
