// One sale at the counter: its Idempotency-Key is made once, when the operator first sends it, and
// kept for every retry of the same request, so a lost answer never sells a second token.

import { ApiProblem } from "./problem";

/** A sale by money paid (amount) or by energy wanted (energy, kWh): exactly one of them. */
export interface SaleRequest {
  meter: string;
  amount?: string;
  energy?: string;
  payment_term: string;
  paid?: string;
  confirmed?: boolean;
  /** "remote": the tokens also go straight to the meter through its communication module. */
  deliver?: "remote";
  /** The sales point the sale is booked at (operators who may sell at any sales point). */
  sales_point_id?: string;
}

export interface PendingSale {
  key: string;
  request: SaleRequest;
}

export function makeSaleKey(random: () => string = () => crypto.randomUUID()): string {
  return `sale-${random()}`;
}

/** What makes two requests the same sale (confirming a large amount does not make a new one). */
function fingerprint(request: SaleRequest): string {
  const quantity = request.energy !== undefined ? `kWh ${Number(request.energy)}` : Number(request.amount);
  return JSON.stringify([request.meter, quantity, request.payment_term, request.paid ?? "", request.deliver ?? "", request.sales_point_id ?? ""]);
}

/** The sale to send: the pending one again (same key) when the request is the same, else a new one. */
export function saleFor(pending: PendingSale | null, request: SaleRequest, newKey: () => string = makeSaleKey): PendingSale {
  if (pending && fingerprint(pending.request) === fingerprint(request)) return { key: pending.key, request };
  return { key: newKey(), request };
}

/** The tenant's warn amount (settings.warn_amount): above it the operator must confirm first. */
export function needsWarnConfirmation(amount: string | number | undefined, warnAmount: unknown): boolean {
  const warn = Number(warnAmount);
  const value = Number(amount);
  return Number.isFinite(warn) && warn > 0 && Number.isFinite(value) && value > warn;
}

/** The API refused because the amount is above the warn amount and was not confirmed. */
export function isConfirmationRequired(error: unknown): boolean {
  return error instanceof ApiProblem && error.status === 422 && error.title === "Confirmation required";
}

/** A failure after which the same sale may be sent again safely (no answer, or the server busy). */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof ApiProblem)) return true;
  return error.status === 409 || error.status === 429 || error.status >= 500;
}

/** "12345678901234567890" -> "1234 5678 9012 3456 7890" (spaces and dashes in the input ignored). */
export function groupToken(token: string): string {
  const digits = token.replace(/[\s-]/g, "");
  return (digits.match(/.{1,4}/g) ?? []).join(" ");
}

export interface AmountChoice {
  amount: string;
  label: string;
}

/** The default-amount buttons from the vend-amounts archive, smallest first, without repeats. */
export function amountChoices(records: readonly { amount?: unknown; name?: unknown }[]): AmountChoice[] {
  const seen = new Set<number>();
  const choices: AmountChoice[] = [];
  for (const record of records) {
    const value = Number(record.amount);
    if (!Number.isFinite(value) || value <= 0 || seen.has(value)) continue;
    seen.add(value);
    choices.push({ amount: String(record.amount), label: String(record.name ?? record.amount) });
  }
  return choices.sort((left, right) => Number(left.amount) - Number(right.amount));
}

/** A meter serial (digits, maybe dashes) rather than a customer's code or name. */
export function looksLikeSerial(text: string): boolean {
  return /^\d[\d-]{5,}$/.test(text.trim());
}
