// What the vending screens read and send: receipts, a meter's contract and customer, last purchases.

import { isNotFound, type ApiClient, type Page } from "../api/client";
import type { EncodedFile } from "../lib/files";
import type { SaleRequest } from "../lib/sale";

export interface Breakdown {
  amount: string;
  charges: { code: string; name: string; amount: string; taxed?: boolean }[];
  vat: string;
  debt_repaid: string;
  credit_used?: string;
  credit_carried?: string;
  net_amount: string;
}

export interface Receipt {
  bill_number: string;
  status: string;
  customer: { code: string; name: string };
  meter: string;
  tid?: number;
  tokens: string[];
  tokens_grouped?: string[];
  energy_kwh: string;
  currency?: string;
  breakdown: Breakdown;
  payment: { term: string; paid: string | null; change: string };
  key_change?: boolean;
  sales_point: string;
  operator: string;
  time_local: string;
  time_utc: string;
  /** With `"deliver": "remote"`: the task sending the tokens to the meter. */
  delivery?: Delivery;
}

export interface Delivery {
  task_id: string | null;
  status: string;
  states?: Record<string, number>;
  reason?: string;
}

export interface Customer {
  code: string;
  name: string;
  status: string;
  phone?: string;
  address?: string;
  customer_type_id?: string;
  [field: string]: unknown;
}

export interface Contract {
  serial: string;
  customer_code: string;
  tariff_id: string;
  status: string;
  pay_type: string;
  debt: string;
  customer?: Customer;
  [field: string]: unknown;
}

export interface MeterRecord {
  serial: string;
  state: string;
  [field: string]: unknown;
}

/** Everything the counter shows about one meter before a sale. */
export interface MeterAtCounter {
  meter: MeterRecord;
  contract: Contract | null;
  customer: Customer | null;
}

export async function meterAtCounter(client: ApiClient, serial: string): Promise<MeterAtCounter> {
  const meter = await client.get<MeterRecord>(`/v1/meters/${encodeURIComponent(serial)}`);
  let contract: Contract | null = null;
  try {
    contract = await client.get<Contract>(`/v1/contracts/${encodeURIComponent(serial)}`);
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return { meter, contract, customer: contract?.customer ?? null };
}

export function lastPurchases(client: ApiClient, serial: string, limit = 5): Promise<Page<Receipt>> {
  return client.get<Page<Receipt>>("/v1/vends", { meter: serial, limit });
}

export function sell(client: ApiClient, request: SaleRequest, key: string): Promise<Receipt> {
  return client.request<Receipt>("POST", "/v1/vends", request, undefined, { "Idempotency-Key": key });
}

export interface Quote {
  breakdown: Breakdown;
  energy_kwh?: string;
}

/** What a sale would give, when the API offers a quote (POST /v1/vends/quote, the sale's body, nothing
 * sold); null while it does not, and the breakdown is then shown on the receipt only. */
export async function quote(client: ApiClient, request: SaleRequest): Promise<Quote | null> {
  try {
    const answer = await client.post<Quote>("/v1/vends/quote", request);
    return answer?.breakdown ? answer : null;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

export function receiptFile(client: ApiClient, billNumber: string, format: "pdf" | "text"): Promise<EncodedFile & { text?: string }> {
  return client.get(`/v1/vends/${encodeURIComponent(billNumber)}/receipt`, { format });
}

export type RemoteReach = "yes" | "no" | "unknown";

/** Whether a communication module serves the meter (its shadow exists), when this operator may look;
 * "unknown" otherwise, and the API then refuses a remote delivery itself (422 naming `deliver`). */
export async function remoteReach(client: ApiClient, serial: string, mayViewNetwork: boolean): Promise<RemoteReach> {
  if (!mayViewNetwork) return "unknown";
  try {
    await client.get(`/v1/shadows/${encodeURIComponent(serial)}`);
    return "yes";
  } catch (error) {
    if (isNotFound(error)) return "no";
    return "unknown";
  }
}
