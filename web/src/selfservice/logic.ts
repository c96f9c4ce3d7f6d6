// The customer page's rules, free of React and the network: the stored session, amounts, new purchases,
// consumption bars.

export interface CustomerSession {
  tenant: string;
  meter: string;
  token: string;
  expiresAt: number; // unix seconds
}

export interface Purchase {
  bill_number: string;
  time: string;
  amount: string;
  energy_kwh: string;
  tokens_grouped: string[];
  status: string;
}

export interface DayConsumption {
  day: string;
  kwh: string;
}

export interface BalanceEstimate {
  kwh: string | null;
  basis: string;
}

export interface PaymentChannel {
  id: string;
  name: string;
}

export interface Overview {
  meter: string;
  customer_name: string | null;
  purchases: Purchase[];
  consumption: DayConsumption[];
  balance_estimate: BalanceEstimate;
  payment_channels: PaymentChannel[];
}

export interface PurchaseIntent {
  provider: string;
  provider_name: string | null;
  account_reference: string;
  amount: string;
  instructions: string;
}

export const SESSION_KEY = "gridvend.selfservice.session";
const MAX_AMOUNT = 1_000_000;

/** The session kept in the tab, unless it is malformed or expired. */
export function readSession(stored: string | null, nowSeconds: number): CustomerSession | null {
  if (!stored) return null;
  try {
    const parsed = JSON.parse(stored) as Partial<CustomerSession>;
    if (
      typeof parsed.tenant !== "string" ||
      typeof parsed.meter !== "string" ||
      typeof parsed.token !== "string" ||
      typeof parsed.expiresAt !== "number"
    ) {
      return null;
    }
    return parsed.expiresAt > nowSeconds ? (parsed as CustomerSession) : null;
  } catch {
    return null;
  }
}

/** What is wrong with an amount the customer typed, or null when it can be paid. */
export function amountProblem(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed) return "Enter an amount";
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return "Use a number with at most 2 decimals";
  const value = Number(trimmed);
  if (value <= 0) return "The amount must be more than 0";
  if (value > MAX_AMOUNT) return `At most ${MAX_AMOUNT.toLocaleString("en")}`;
  return null;
}

/** The amount as the API takes it: two decimals. */
export function normalisedAmount(text: string): string {
  return Number(text.trim()).toFixed(2);
}

/** A 20-digit token in groups of four, as printed on receipts. */
export function groupToken(token: string): string {
  const digits = token.replace(/\D/g, "");
  return digits.replace(/(\d{4})(?=\d)/g, "$1 ");
}

/** The purchase that appeared since the customer started paying (its bill number was not known then). */
export function newPurchase(knownBills: ReadonlySet<string>, purchases: Purchase[]): Purchase | null {
  return purchases.find((purchase) => !knownBills.has(purchase.bill_number) && purchase.status === "issued") ?? null;
}

export interface Bar {
  day: string;
  kwh: number;
  percent: number; // of the tallest bar
}

/** Daily consumption as bars, the tallest at 100 %; the last `days` days only. */
export function consumptionBars(consumption: DayConsumption[], days = 30): Bar[] {
  const recent = [...consumption].sort((a, b) => a.day.localeCompare(b.day)).slice(-days);
  const values = recent.map((entry) => Math.max(0, Number(entry.kwh) || 0));
  const tallest = Math.max(0, ...values);
  return recent.map((entry, position) => ({
    day: entry.day,
    kwh: values[position],
    percent: tallest > 0 ? Math.round((values[position] / tallest) * 100) : 0,
  }));
}

/** Total consumption of the bars, in kWh with up to 3 decimals. */
export function totalKwh(bars: Bar[]): string {
  const total = bars.reduce((sum, bar) => sum + bar.kwh, 0);
  return String(Math.round(total * 1000) / 1000);
}

/** The balance estimate in words. */
export function balanceText(estimate: BalanceEstimate): string {
  return estimate.kwh === null ? "Not known yet" : `${estimate.kwh} kWh`;
}

/** The tenant named in the page's address (?tenant=...), if any. */
export function tenantFromSearch(search: string): string {
  return new URLSearchParams(search).get("tenant")?.trim() ?? "";
}
