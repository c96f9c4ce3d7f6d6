import { type FormEvent, useState } from "react";

import { ApiProblem } from "../lib/problem";
import type { CustomerApi } from "./api";
import { amountProblem, type CustomerSession, normalisedAmount, type PaymentChannel, type PurchaseIntent } from "./logic";

interface Props {
  api: CustomerApi;
  session: CustomerSession;
  channels: PaymentChannel[];
  onStarted: (intent: PurchaseIntent) => void;
}

export function BuyPanel({ api, session, channels, onStarted }: Props) {
  const [channel, setChannel] = useState(channels[0]?.id ?? "");
  const [amount, setAmount] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (channels.length === 0) {
    return <p className="ss-muted">No payment channel is open for online purchases yet.</p>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const wrong = amountProblem(amount);
    if (wrong) {
      setProblem(wrong);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      onStarted(await api.startPurchase(session, channel || channels[0].id, normalisedAmount(amount)));
    } catch (failure) {
      setProblem(failure instanceof ApiProblem ? failure.detail || failure.title : "The service cannot be reached");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="ss-buy" onSubmit={submit} data-testid="ss-buy">
      <label>
        Pay with
        <select id="ss-channel" value={channel} onChange={(event) => setChannel(event.target.value)}>
          {channels.map((option) => (
            <option key={option.id} value={option.id}>
              {option.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Amount
        <input
          id="ss-amount"
          inputMode="decimal"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          placeholder="0.00"
        />
      </label>
      {problem && (
        <p className="ss-problem" role="alert" data-testid="ss-buy-problem">
          {problem}
        </p>
      )}
      <button type="submit" className="ss-button" disabled={busy} data-testid="ss-buy-submit">
        Buy
      </button>
    </form>
  );
}
