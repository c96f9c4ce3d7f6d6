// The customer's calls: login (public), then the session in X-Customer-Session. Problems come back as ApiProblem.

import { apiAddress } from "../api/runtimeConfig";
import { problemFrom } from "../lib/problem";
import type { CustomerSession, Overview, PurchaseIntent } from "./logic";

export const SESSION_HEADER = "X-Customer-Session";

interface LoginAnswer {
  session_token: string;
  meter: string;
  expires_at: number;
}

export class CustomerApi {
  constructor(private readonly fetcher: typeof fetch = (...args) => fetch(...args)) {}

  private async call<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers[SESSION_HEADER] = token;
    const response = await this.fetcher(apiAddress(path), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: kept as text for the problem
    }
    if (!response.ok) throw problemFrom(response.status, parsed);
    return parsed as T;
  }

  async login(tenant: string, meter: string, code: string): Promise<CustomerSession> {
    const answer = await this.call<LoginAnswer>("POST", "/v1/self-service/login", {
      tenant: tenant.trim(),
      meter: meter.trim(),
      code: code.trim(),
    });
    return { tenant: tenant.trim(), meter: answer.meter, token: answer.session_token, expiresAt: answer.expires_at };
  }

  overview(session: CustomerSession): Promise<Overview> {
    return this.call<Overview>("GET", "/v1/self-service/me", undefined, session.token);
  }

  startPurchase(session: CustomerSession, provider: string, amount: string): Promise<PurchaseIntent> {
    return this.call<PurchaseIntent>("POST", "/v1/self-service/purchases", { provider, amount }, session.token);
  }
}
