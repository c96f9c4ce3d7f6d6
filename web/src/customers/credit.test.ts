import { describe, expect, it } from "vitest";

import { saleFor } from "../lib/sale";
import { pendingRemainder, refundRequest } from "./creditApi";

describe("meter credit", () => {
  it("refunds all the carried credit when no amount is given", () => {
    expect(refundRequest(null, undefined, "  moved out ")).toEqual({ payment_term: "CASH", remark: "moved out" });
    expect(refundRequest(12.5, "BANK", undefined)).toEqual({ amount: "12.5", payment_term: "BANK", remark: "" });
  });

  it("offers the remainder token only while a remainder waits", () => {
    expect(pendingRemainder({ pending_remainder: { replacement_id: "r", amount: "25.00" } })).toBe("25.00");
    expect(pendingRemainder({ pending_remainder: null })).toBeNull();
    expect(pendingRemainder({ pending_remainder: { amount: "0.00" } })).toBeNull();
    expect(pendingRemainder(null)).toBeNull();
  });

  it("makes a new sale key when remote delivery or the sales point changes", () => {
    const request = { meter: "58000000001", amount: "50", payment_term: "CASH" };
    let count = 0;
    const keys = () => `k${(count += 1)}`;
    const first = saleFor(null, request, keys);
    expect(saleFor(first, { ...request }, keys).key).toBe(first.key);
    expect(saleFor(first, { ...request, deliver: "remote" }, keys).key).not.toBe(first.key);
    expect(saleFor(first, { ...request, sales_point_id: "SP2" }, keys).key).not.toBe(first.key);
  });
});
