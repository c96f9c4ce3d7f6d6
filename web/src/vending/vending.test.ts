import { describe, expect, it } from "vitest";

import { ApiClient } from "../api/client";
import { searchCounter, sellableSerials, type CustomerWithContracts } from "./findMeter";
import { quote, sell } from "./vendingApi";

type Answer = { status: number; body: unknown };

/** A client over canned answers by "METHOD path?query"; every request is recorded. */
function fakeClient(answers: Record<string, Answer>, seen: { url: string; init: RequestInit }[] = []): ApiClient {
  const fetcher = async (url: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(url), init: init ?? {} });
    const nothingFound = String(url).startsWith("/v1/customers?")
      ? { status: 200, body: { items: [], next_cursor: null } }
      : { status: 404, body: { title: "Not found", status: 404 } };
    const answer = answers[`${init?.method ?? "GET"} ${String(url)}`] ?? nothingFound;
    return new Response(JSON.stringify(answer.body), { status: answer.status });
  };
  return new ApiClient("token", () => undefined, fetcher as typeof fetch);
}

const request = { meter: "58000000001", amount: "100", payment_term: "CASH" };

describe("the sale's calls", () => {
  it("send the sale's key as the Idempotency-Key header", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const client = fakeClient({ "POST /v1/vends": { status: 201, body: { bill_number: "V1" } } }, seen);
    await sell(client, request, "sale-abc12345");
    expect((seen[0].init.headers as Record<string, string>)["Idempotency-Key"]).toBe("sale-abc12345");
  });

  it("show a quote when the API has one, nothing when it has no such route, and fail on other errors", async () => {
    const breakdown = { amount: "85.20", charges: [], vat: "13.79", debt_repaid: "0.00", net_amount: "100.00" };
    const quoted = fakeClient({ "POST /v1/vends/quote": { status: 200, body: { breakdown, energy_kwh: "340.8" } } });
    expect(await quote(quoted, request)).toEqual({ breakdown, energy_kwh: "340.8" });
    const absent = fakeClient({ "POST /v1/vends/quote": { status: 405, body: { message: "Method Not Allowed" } } });
    expect(await quote(absent, request)).toBeNull();
    const broken = fakeClient({ "POST /v1/vends/quote": { status: 500, body: { title: "Internal error", status: 500 } } });
    await expect(quote(broken, request)).rejects.toThrow();
  });
});

describe("the counter's search", () => {
  it("goes straight to a meter by serial, else finds customers by code, then by name", async () => {
    const client = fakeClient({
      "GET /v1/meters/58000000001": { status: 200, body: { serial: "58000000001", state: "in_service" } },
      "GET /v1/customers?code=Demo&limit=10": { status: 200, body: { items: [], next_cursor: null } },
      "GET /v1/customers?name=Demo&limit=10": { status: 200, body: { items: [{ code: "DEMO001", name: "Demo 1", status: "active" }], next_cursor: null } },
    });
    expect(await searchCounter(client, " 58000000001 ")).toEqual({ kind: "meter", serial: "58000000001" });
    const byName = await searchCounter(client, "Demo");
    expect(byName.kind === "customers" && byName.customers.map((customer) => customer.code)).toEqual(["DEMO001"]);
    expect(await searchCounter(client, "58000000099")).toEqual({ kind: "none" });
  });

  it("offers a customer's active meters, or all of them when none is active", () => {
    const contract = (serial: string, status: string) => ({ serial, status, customer_code: "C", tariff_id: "T", pay_type: "prepaid", debt: "0" });
    const customer = (contracts: ReturnType<typeof contract>[]) => ({ code: "C", name: "C", status: "active", contracts }) as CustomerWithContracts;
    expect(sellableSerials(customer([contract("1", "cancelled"), contract("2", "active")]))).toEqual(["2"]);
    expect(sellableSerials(customer([contract("1", "cancelled")]))).toEqual(["1"]);
  });
});
