import { describe, expect, it } from "vitest";

import { CustomerApi, SESSION_HEADER } from "./api";
import {
  amountProblem,
  balanceText,
  consumptionBars,
  groupToken,
  newPurchase,
  normalisedAmount,
  type Purchase,
  readSession,
  tenantFromSearch,
  totalKwh,
} from "./logic";

function purchase(bill: string, status = "issued"): Purchase {
  return { bill_number: bill, time: "2026-11-20T10:00:00+00:00", amount: "50.00", energy_kwh: "20.0",
    tokens_grouped: ["1234 5678 9012 3456 7890"], status };
}

describe("stored session", () => {
  const stored = JSON.stringify({ tenant: "demo", meter: "58000000001", token: "t.s", expiresAt: 2000 });

  it("is kept until it expires", () => {
    expect(readSession(stored, 1999)?.meter).toBe("58000000001");
    expect(readSession(stored, 2000)).toBeNull();
  });

  it("is dropped when missing or malformed", () => {
    expect(readSession(null, 0)).toBeNull();
    expect(readSession("{not json", 0)).toBeNull();
    expect(readSession(JSON.stringify({ tenant: "demo", meter: 5, token: "x", expiresAt: 9 }), 0)).toBeNull();
  });
});

describe("amounts", () => {
  it("takes positive numbers with at most two decimals", () => {
    expect(amountProblem("50")).toBeNull();
    expect(amountProblem(" 12.5 ")).toBeNull();
    expect(amountProblem("0.01")).toBeNull();
    expect(normalisedAmount(" 12.5 ")).toBe("12.50");
  });

  it("names what is wrong", () => {
    expect(amountProblem("")).toBe("Enter an amount");
    expect(amountProblem("1.234")).toMatch(/2 decimals/);
    expect(amountProblem("-5")).toMatch(/2 decimals/);
    expect(amountProblem("abc")).toMatch(/2 decimals/);
    expect(amountProblem("0")).toMatch(/more than 0/);
    expect(amountProblem("2000000")).toMatch(/At most/);
  });
});

describe("purchases", () => {
  it("finds the issued purchase that was not known when paying started", () => {
    const known = new Set(["B1", "B2"]);
    expect(newPurchase(known, [purchase("B2"), purchase("B1")])).toBeNull();
    expect(newPurchase(known, [purchase("B4", "cancelled"), purchase("B3"), purchase("B1")])?.bill_number).toBe("B3");
  });

  it("groups a token in fours", () => {
    expect(groupToken("12345678901234567890")).toBe("1234 5678 9012 3456 7890");
    expect(groupToken("1234-5678")).toBe("1234 5678");
  });
});

describe("consumption and balance", () => {
  it("scales bars to the tallest day, oldest first, last 30 days only", () => {
    const days = Array.from({ length: 35 }, (_, index) => ({
      day: `2026-10-${String(index + 1).padStart(2, "0")}`,
      kwh: String(index + 1),
    })).reverse();
    const bars = consumptionBars(days);
    expect(bars).toHaveLength(30);
    expect(bars[0].day).toBe("2026-10-06");
    expect(bars[29]).toEqual({ day: "2026-10-35", kwh: 35, percent: 100 });
    expect(bars[0].percent).toBe(Math.round((6 / 35) * 100));
  });

  it("shows zero days and totals to the Wh", () => {
    const bars = consumptionBars([{ day: "2026-11-01", kwh: "0" }, { day: "2026-11-02", kwh: "1.2345" }]);
    expect(bars.map((bar) => bar.percent)).toEqual([0, 100]);
    expect(totalKwh(bars)).toBe("1.235");
    expect(consumptionBars([{ day: "2026-11-01", kwh: "0" }])[0].percent).toBe(0);
  });

  it("words the balance estimate", () => {
    expect(balanceText({ kwh: "12.5", basis: "" })).toBe("12.5 kWh");
    expect(balanceText({ kwh: null, basis: "no reading" })).toBe("Not known yet");
  });

  it("reads the tenant from the address", () => {
    expect(tenantFromSearch("?tenant=demo")).toBe("demo");
    expect(tenantFromSearch("")).toBe("");
  });
});

describe("customer API", () => {
  it("logs in, then sends the session header; a refusal becomes a problem", async () => {
    const calls: { path: string; init: RequestInit }[] = [];
    const answers = [
      new Response(JSON.stringify({ session_token: "tok", meter: "58000000001", expires_at: 99 }), { status: 200 }),
      new Response(JSON.stringify({ meter: "58000000001", purchases: [] }), { status: 200 }),
      new Response(JSON.stringify({ title: "Unauthenticated", status: 401, detail: "meter serial or code is wrong" }), {
        status: 401,
      }),
    ];
    const api = new CustomerApi(async (path, init) => {
      calls.push({ path: String(path), init: init ?? {} });
      return answers.shift()!;
    });
    const session = await api.login(" demo ", "58000000001", " ABC123 ");
    expect(session).toEqual({ tenant: "demo", meter: "58000000001", token: "tok", expiresAt: 99 });
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ tenant: "demo", meter: "58000000001", code: "ABC123" });
    await api.overview(session);
    expect(calls[1].path).toBe("/v1/self-service/me");
    expect((calls[1].init.headers as Record<string, string>)[SESSION_HEADER]).toBe("tok");
    await expect(api.startPurchase(session, "MPESA", "10.00")).rejects.toMatchObject({
      status: 401,
      detail: "meter serial or code is wrong",
    });
  });
});
