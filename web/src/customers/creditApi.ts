// A meter's money outside sales: carried credit paid back in cash (credit refunds) and a replaced meter's
// remainder issued as a token of its own (exactly once per Idempotency-Key, kept for retries).

import type { ApiClient, Page } from "../api/client";
import type { Receipt } from "../vending/vendingApi";

export interface CreditRefund {
  bill_number: string;
  meter: string;
  refund_amount: string;
  carried_before: string;
  carried_after: string;
  payment_term: string;
  remark: string;
  operator: string;
  time_local: string;
}

export interface RefundRequest {
  amount?: string;
  payment_term: string;
  remark: string;
}

const meterPath = (serial: string) => `/v1/meters/${encodeURIComponent(serial)}`;

export function creditRefunds(client: ApiClient, serial: string): Promise<Page<CreditRefund>> {
  return client.get<Page<CreditRefund>>(`${meterPath(serial)}/credit-refunds`, { limit: 20 });
}

export function refundCredit(client: ApiClient, serial: string, request: RefundRequest): Promise<CreditRefund> {
  return client.post<CreditRefund>(`${meterPath(serial)}/credit-refunds`, request);
}

export function remainderToken(client: ApiClient, serial: string, key: string): Promise<Receipt> {
  return client.request<Receipt>("POST", `${meterPath(serial)}/remainder-token`, {}, undefined, { "Idempotency-Key": key });
}

/** The refund's body: no amount means all the carried credit. */
export function refundRequest(amount: number | null | undefined, paymentTerm: string | undefined, remark: string | undefined): RefundRequest {
  return {
    ...(amount ? { amount: String(amount) } : {}),
    payment_term: paymentTerm || "CASH",
    remark: (remark ?? "").trim(),
  };
}

/** A contract's replacement remainder still waiting for a token, as money text, or null. */
export function pendingRemainder(contract: Record<string, unknown> | null | undefined): string | null {
  const pending = contract?.pending_remainder as { amount?: unknown } | null | undefined;
  const amount = pending?.amount;
  return amount !== undefined && amount !== null && Number(amount) > 0 ? String(amount) : null;
}
