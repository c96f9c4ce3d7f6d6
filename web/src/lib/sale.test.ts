import { describe, expect, it } from "vitest";

import { ApiProblem } from "./problem";
import {
  amountChoices,
  groupToken,
  isConfirmationRequired,
  isRetryable,
  looksLikeSerial,
  makeSaleKey,
  needsWarnConfirmation,
  saleFor,
} from "./sale";

describe("a sale's idempotency key", () => {
  const request = { meter: "58000000001", amount: "100", payment_term: "CASH" };
  let counter = 0;
  const keys = () => `sale-${++counter}`;

  it("is made once and reused for a retry of the same sale, also when it is confirmed", () => {
    const first = saleFor(null, request, keys);
    const retried = saleFor(first, { ...request }, keys);
    const confirmed = saleFor(retried, { ...request, amount: "100.00", confirmed: true }, keys);
    expect(retried.key).toBe(first.key);
    expect(confirmed.key).toBe(first.key);
  });

  it("is new when the meter, amount or payment changes", () => {
    const first = saleFor(null, request, keys);
    expect(saleFor(first, { ...request, amount: "200" }, keys).key).not.toBe(first.key);
    expect(saleFor(first, { ...request, meter: "58000000002" }, keys).key).not.toBe(first.key);
    expect(saleFor(first, { ...request, payment_term: "BANK" }, keys).key).not.toBe(first.key);
    const byEnergy = { meter: request.meter, energy: "100", payment_term: "CASH" };
    expect(saleFor(first, byEnergy, keys).key).not.toBe(first.key);
    const energySale = saleFor(null, byEnergy, keys);
    expect(saleFor(energySale, { ...byEnergy, energy: "100.0" }, keys).key).toBe(energySale.key);
  });

  it("fits the API's header rule (8-100 letters, digits, _.:-)", () => {
    const key = makeSaleKey(() => "0b7e6d3c-1a2b-4c5d-8e9f-001122334455");
    expect(key).toMatch(/^[A-Za-z0-9_.:-]{8,100}$/);
  });
});

describe("sale checks", () => {
  it("asks to confirm only above a positive warn amount", () => {
    expect(needsWarnConfirmation("5000.01", "5000")).toBe(true);
    expect(needsWarnConfirmation("5000", "5000")).toBe(false);
    expect(needsWarnConfirmation("9999", undefined)).toBe(false);
    expect(needsWarnConfirmation("9999", "0")).toBe(false);
    expect(needsWarnConfirmation(undefined, "5000")).toBe(false);
  });

  it("tells the API's confirmation refusal from other refusals, and what may be sent again", () => {
    const confirm = new ApiProblem({ title: "Confirmation required", status: 422 });
    const refused = new ApiProblem({ title: "Unprocessable", status: 422, detail: "meter is not in service" });
    expect(isConfirmationRequired(confirm)).toBe(true);
    expect(isConfirmationRequired(refused)).toBe(false);
    expect(isRetryable(new TypeError("Failed to fetch"))).toBe(true);
    expect(isRetryable(new ApiProblem({ title: "Busy", status: 409 }))).toBe(true);
    expect(isRetryable(new ApiProblem({ title: "Bad gateway", status: 502 }))).toBe(true);
    expect(isRetryable(refused)).toBe(false);
  });

  it("groups a token in fours and orders default amounts without repeats", () => {
    expect(groupToken("12078766701997441901")).toBe("1207 8766 7019 9744 1901");
    expect(groupToken("1207-8766 7019")).toBe("1207 8766 7019");
    const choices = amountChoices([
      { amount: "50.00", name: "50" },
      { amount: "10.00", name: "10" },
      { amount: "50", name: "fifty" },
      { amount: "x", name: "bad" },
    ]);
    expect(choices.map((choice) => choice.label)).toEqual(["10", "50"]);
  });

  it("tells a meter serial from a customer's code or name", () => {
    expect(looksLikeSerial("58000000001")).toBe(true);
    expect(looksLikeSerial("DEMO001")).toBe(false);
    expect(looksLikeSerial("Demo customer")).toBe(false);
  });
});

describe("a register bill from the registration form", () => {
  it("leaves out empty optional fields and sends amounts as decimal text", async () => {
    const { registerBillBody } = await import("../customers/registration");
    const body = registerBillBody({
      customer: { code: " ", name: "Ann", customer_type_id: "T1", phone: "" },
      contracts: [{ serial: " 58000000009 ", tariff_id: "F1", pay_type: "prepaid", debt: 12.5 }, { serial: "1", tariff_id: "F1", debt: null }],
      payment: { payment_term_id: null },
    });
    expect(body).toEqual({
      customer: { name: "Ann", customer_type_id: "T1" },
      contracts: [
        { serial: "58000000009", tariff_id: "F1", pay_type: "prepaid", debt: "12.5" },
        { serial: "1", tariff_id: "F1" },
      ],
    });
  });
});

describe("state labels", () => {
  it("name API states in the language and keep unknown ones as sent", async () => {
    const { stateLabel } = await import("./stateLabel");
    const { translator } = await import("../i18n/translate");
    expect(stateLabel("in_service", translator("zh"))).toBe("运行中");
    expect(stateLabel("prepaid", translator("fr"))).toBe("Prépayé");
    expect(stateLabel("brand_new_state", translator("en"))).toBe("brand_new_state");
    expect(stateLabel(undefined, translator("en"))).toBe("");
  });
});

describe("the tenant's day", () => {
  it("is counted in the tenant's time zone", async () => {
    const { tenantToday } = await import("./dates");
    const lateEvening = new Date("2026-11-22T22:30:00Z");
    expect(tenantToday("Africa/Nairobi", lateEvening)).toBe("2026-11-23");
    expect(tenantToday("UTC", lateEvening)).toBe("2026-11-22");
    expect(tenantToday("Not/AZone", lateEvening)).toBe("2026-11-22");
  });
});
