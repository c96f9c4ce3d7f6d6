// Who is signed in (session, GET /v1/me), their API client and their language, for every screen.

import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";

import { ApiClient } from "../api/client";
import {
  clearSession,
  isCurrent,
  loadSession,
  refreshBody,
  saveSession,
  sessionFromLogin,
  type LoginAnswer,
  type Session,
} from "../api/session";
import {
  LANGUAGES,
  offeredLanguages,
  startLanguage,
  translator,
  type Language,
  type Translate,
} from "../i18n/translate";
import { tenantTime } from "../lib/dates";
import type { MoneySettings } from "../lib/money";
import type { PermissionSet } from "../lib/permissions";

export interface TenantSettings extends Partial<MoneySettings> {
  name?: string;
  timezone?: string;
  languages?: string[];
  [setting: string]: unknown;
}

export interface Me {
  tenant: string;
  user_id: string;
  username: string;
  roles: string[];
  permissions: string[];
  sales_point_id: string | null;
  settings: TenantSettings | null;
}

interface AppState {
  session: Session | null;
  me: Me | null;
  granted: PermissionSet;
  money: MoneySettings;
  /** A stored UTC stamp on the tenant's wall clock. */
  time: (stamp: unknown) => string;
  client: ApiClient;
  language: Language;
  languages: Language[];
  t: Translate;
  setLanguage: (language: Language) => void;
  signIn: (tenant: string, username: string, password: string) => Promise<void>;
  signOut: () => void;
}

const LANGUAGE_KEY = "gridvend.language";
const Context = createContext<AppState | null>(null);

export function AppProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession(localStorage));
  const [me, setMe] = useState<Me | null>(null);
  const [savedLanguage, setSavedLanguage] = useState<string | null>(() => localStorage.getItem(LANGUAGE_KEY));

  const signOut = useCallback(() => {
    clearSession(localStorage);
    setSession(null);
    setMe(null);
  }, []);

  const client = useMemo(() => new ApiClient(session?.token ?? null, signOut), [session, signOut]);

  useEffect(() => {
    if (!session?.refreshToken) return;
    const renew = () => {
      new ApiClient(null)
        .post<LoginAnswer>("/v1/auth/refresh", refreshBody(session))
        .then((answer) => {
          const renewed = sessionFromLogin(answer, Date.now(), session);
          saveSession(localStorage, renewed);
          setSession(renewed);
        })
        .catch(() => signOut());
    };
    const timer = window.setTimeout(renew, Math.max(session.expiresAt - Date.now(), 0));
    return () => window.clearTimeout(timer);
  }, [session, signOut]);

  useEffect(() => {
    if (!session || !isCurrent(session)) return;
    let current = true;
    client
      .get<Me>("/v1/me")
      .then((answer) => current && setMe(answer))
      .catch(() => current && signOut());
    return () => {
      current = false;
    };
  }, [client, session, signOut]);

  const signIn = useCallback(async (tenant: string, username: string, password: string) => {
    const answer = await new ApiClient(null).post<LoginAnswer>("/v1/auth/login", { tenant, username, password });
    const started = sessionFromLogin(answer);
    saveSession(localStorage, started);
    setSession(started);
  }, []);

  const languages = me ? offeredLanguages(me.settings?.languages) : [...LANGUAGES];
  const language = startLanguage(savedLanguage, navigator.languages ?? [], languages);
  const setLanguage = useCallback((chosen: Language) => {
    localStorage.setItem(LANGUAGE_KEY, chosen);
    setSavedLanguage(chosen);
    document.documentElement.lang = chosen;
  }, []);

  const value: AppState = {
    session,
    me,
    granted: useMemo(() => new Set(me?.permissions ?? []), [me]),
    money: { currency: me?.settings?.currency ?? "USD", decimals: Number(me?.settings?.decimals ?? 2) },
    time: (stamp: unknown) => tenantTime(stamp, me?.settings?.timezone),
    client,
    language,
    languages,
    t: useMemo(() => translator(language), [language]),
    setLanguage,
    signIn,
    signOut,
  };
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useApp(): AppState {
  const state = useContext(Context);
  if (!state) throw new Error("useApp outside AppProvider");
  return state;
}
