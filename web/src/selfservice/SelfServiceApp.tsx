// Customer self-service (/self-service): log in with the meter serial and the code from the utility, then see the
// balance estimate, purchases and consumption, and buy through a payment channel.

import { useCallback, useMemo, useState } from "react";

import { CustomerApi } from "./api";
import { LoginForm } from "./LoginForm";
import { type CustomerSession, readSession, SESSION_KEY } from "./logic";
import { MyMeter } from "./MyMeter";

export function SelfServiceApp() {
  const api = useMemo(() => new CustomerApi(), []);
  const [session, setSession] = useState<CustomerSession | null>(() =>
    readSession(sessionStorage.getItem(SESSION_KEY), Date.now() / 1000),
  );
  const [notice, setNotice] = useState<string | null>(null);

  const signedIn = useCallback((opened: CustomerSession) => {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(opened));
    setNotice(null);
    setSession(opened);
  }, []);

  const signOut = useCallback((why?: string) => {
    sessionStorage.removeItem(SESSION_KEY);
    setNotice(why ?? null);
    setSession(null);
  }, []);

  return (
    <div className="ss-page">
      <header className="ss-header">
        <span className="ss-brand">My electricity</span>
        {session && (
          <button type="button" className="ss-link" data-testid="ss-logout" onClick={() => signOut()}>
            Log out
          </button>
        )}
      </header>
      <main className="ss-main">
        {session ? (
          <MyMeter api={api} session={session} onExpired={() => signOut("Your session ended; please log in again.")} />
        ) : (
          <LoginForm api={api} notice={notice} onSignedIn={signedIn} />
        )}
      </main>
    </div>
  );
}
