// The counter's search: a meter serial goes straight to the meter; other text finds customers by code,
// then by name, and a customer with one meter goes straight to it.

import { isNotFound, type ApiClient, type Page } from "../api/client";
import { looksLikeSerial } from "../lib/sale";
import type { Contract, Customer } from "./vendingApi";

export type CounterSearch =
  | { kind: "meter"; serial: string }
  | { kind: "customers"; customers: Customer[] }
  | { kind: "none" };

export async function searchCounter(client: ApiClient, text: string): Promise<CounterSearch> {
  const term = text.trim();
  if (!term) return { kind: "none" };
  if (looksLikeSerial(term)) {
    try {
      await client.get(`/v1/meters/${encodeURIComponent(term)}`);
      return { kind: "meter", serial: term };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  for (const field of ["code", "name", "phone"]) {
    const page = await client.get<Page<Customer>>("/v1/customers", { [field]: term, limit: 10 });
    if (page.items.length > 0) return { kind: "customers", customers: page.items };
  }
  return { kind: "none" };
}

export interface CustomerWithContracts extends Customer {
  contracts: Contract[];
}

export function customerWithContracts(client: ApiClient, code: string): Promise<CustomerWithContracts> {
  return client.get<CustomerWithContracts>(`/v1/customers/${encodeURIComponent(code)}`);
}

/** The meters a counter can sell to for this customer: contracts that are active come first. */
export function sellableSerials(customer: CustomerWithContracts): string[] {
  const active = customer.contracts.filter((contract) => contract.status === "active");
  return (active.length ? active : customer.contracts).map((contract) => contract.serial);
}
