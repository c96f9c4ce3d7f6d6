import { useCallback, useEffect, useState } from "react";

import { ApiProblem } from "../lib/problem";
import type { CustomerApi } from "./api";
import { BuyPanel } from "./BuyPanel";
import { ConsumptionChart } from "./ConsumptionChart";
import {
  balanceText,
  type CustomerSession,
  newPurchase,
  type Overview,
  type Purchase,
  type PurchaseIntent,
} from "./logic";
import { Purchases } from "./Purchases";

const POLL_EVERY_MS = 2_000;
const STOP_WAITING_AFTER_MS = 10 * 60_000;

interface Props {
  api: CustomerApi;
  session: CustomerSession;
  onExpired: () => void;
}

interface Awaiting {
  intent: PurchaseIntent;
  knownBills: ReadonlySet<string>;
  startedAt: number;
}

export function MyMeter({ api, session, onExpired }: Props) {
  const [overview, setOverview] = useState<Overview | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [awaiting, setAwaiting] = useState<Awaiting | null>(null);
  const [paid, setPaid] = useState<Purchase | null>(null);

  const refresh = useCallback(async () => {
    try {
      setOverview(await api.overview(session));
      setProblem(null);
    } catch (failure) {
      if (failure instanceof ApiProblem && failure.status === 401) onExpired();
      else setProblem(failure instanceof ApiProblem ? failure.detail || failure.title : "The service cannot be reached");
    }
  }, [api, session, onExpired]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (!awaiting) return undefined;
    const timer = window.setInterval(() => {
      if (Date.now() - awaiting.startedAt > STOP_WAITING_AFTER_MS) setAwaiting(null);
      else void refresh();
    }, POLL_EVERY_MS);
    return () => window.clearInterval(timer);
  }, [awaiting, refresh]);

  useEffect(() => {
    if (!awaiting || !overview) return;
    const arrived = newPurchase(awaiting.knownBills, overview.purchases);
    if (arrived) {
      setPaid(arrived);
      setAwaiting(null);
    }
  }, [awaiting, overview]);

  const started = (intent: PurchaseIntent) => {
    setPaid(null);
    const knownBills = new Set((overview?.purchases ?? []).map((purchase) => purchase.bill_number));
    setAwaiting({ intent, knownBills, startedAt: Date.now() });
  };

  if (!overview) {
    return <p className="ss-muted">{problem ?? "Loading…"}</p>;
  }
  return (
    <div className="ss-grid" data-testid="ss-overview">
      <section className="ss-card ss-balance">
        <div className="ss-muted">Meter {overview.meter}</div>
        <div className="ss-customer" data-testid="ss-customer">
          {overview.customer_name ?? ""}
        </div>
        <div className="ss-muted">Estimated credit on the meter</div>
        <div className="ss-big" data-testid="ss-balance">
          {balanceText(overview.balance_estimate)}
        </div>
        <div className="ss-muted ss-small">{overview.balance_estimate.basis}</div>
        {problem && <p className="ss-problem">{problem}</p>}
      </section>
      <section className="ss-card">
        <h2>Buy electricity</h2>
        {paid && (
          <div className="ss-token" data-testid="ss-new-token">
            <div>Your token ({paid.energy_kwh} kWh for {paid.amount}):</div>
            {paid.tokens_grouped.map((token) => (
              <div key={token} className="ss-token-digits">
                {token}
              </div>
            ))}
            <div className="ss-muted ss-small">Enter it on your meter's keypad.</div>
          </div>
        )}
        {awaiting ? (
          <div className="ss-waiting" data-testid="ss-waiting">
            <p>{awaiting.intent.instructions}</p>
            <p className="ss-muted">Waiting for your payment… your token appears here as soon as it is paid.</p>
            <button type="button" className="ss-link" onClick={() => setAwaiting(null)}>
              Cancel
            </button>
          </div>
        ) : (
          <BuyPanel api={api} session={session} channels={overview.payment_channels} onStarted={started} />
        )}
      </section>
      <section className="ss-card ss-wide">
        <h2>Consumption, last 30 days</h2>
        <ConsumptionChart consumption={overview.consumption} />
      </section>
      <section className="ss-card ss-wide">
        <h2>Purchases</h2>
        <Purchases purchases={overview.purchases} />
      </section>
    </div>
  );
}
