// The signed-in operator's token, kept in the browser until it expires or they sign out.

export interface Session {
  token: string;
  tenant: string;
  username: string;
  expiresAt: number;
}

const SESSION_KEY = "gridvend.session";

export function loadSession(storage: Storage, now = Date.now()): Session | null {
  try {
    const session = JSON.parse(storage.getItem(SESSION_KEY) ?? "null") as Session | null;
    if (!session || typeof session.token !== "string" || session.expiresAt <= now) return null;
    return session;
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
}

export function sessionFromLogin(answer: LoginAnswer, now = Date.now()): Session {
  // A minute's margin so a request never leaves with a token about to expire.
  return {
    token: answer.access_token,
    tenant: answer.tenant,
    username: answer.username,
    expiresAt: now + Math.max(answer.expires_in - 60, 1) * 1000,
  };
}
