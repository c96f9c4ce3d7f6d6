import { type FormEvent, useState } from "react";

import { ApiProblem } from "../lib/problem";
import type { CustomerApi } from "./api";
import { type CustomerSession, tenantFromSearch } from "./logic";

interface Props {
  api: CustomerApi;
  notice: string | null;
  onSignedIn: (session: CustomerSession) => void;
}

export function LoginForm({ api, notice, onSignedIn }: Props) {
  const fixedTenant = tenantFromSearch(window.location.search);
  const [tenant, setTenant] = useState(fixedTenant);
  const [meter, setMeter] = useState("");
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      onSignedIn(await api.login(tenant, meter, code));
    } catch (failure) {
      setProblem(failure instanceof ApiProblem ? failure.detail || failure.title : "The service cannot be reached");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="ss-card ss-login" onSubmit={submit} data-testid="ss-login">
      <h1>Log in to your meter</h1>
      <p className="ss-muted">Use your meter number and the code your utility gave you.</p>
      {notice && <p className="ss-notice">{notice}</p>}
      {!fixedTenant && (
        <label>
          Utility
          <input id="ss-tenant" value={tenant} onChange={(event) => setTenant(event.target.value)} required />
        </label>
      )}
      <label>
        Meter number
        <input
          id="ss-meter"
          inputMode="numeric"
          autoComplete="username"
          value={meter}
          onChange={(event) => setMeter(event.target.value)}
          required
        />
      </label>
      <label>
        Code
        <input
          id="ss-code"
          autoComplete="current-password"
          value={code}
          onChange={(event) => setCode(event.target.value)}
          required
        />
      </label>
      {problem && (
        <p className="ss-problem" role="alert" data-testid="ss-login-problem">
          {problem}
        </p>
      )}
      <button type="submit" className="ss-button" disabled={busy} data-testid="ss-login-submit">
        {busy ? "Logging in…" : "Log in"}
      </button>
    </form>
  );
}
