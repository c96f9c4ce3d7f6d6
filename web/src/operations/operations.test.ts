import { describe, expect, it } from "vitest";

import { commandBody, isRunning, parseSerials, READ_NOW_OBIS, taskPercent } from "./tasks";

describe("command tasks", () => {
  it("keep polling while the API says running, or while commands are unfinished", () => {
    expect(isRunning({ status: "running", finished: 2, total: 2 })).toBe(true);
    expect(isRunning({ status: "partial", finished: 1, total: 2 })).toBe(false);
    expect(isRunning({ finished: 1, total: 2 })).toBe(true);
    expect(isRunning({ finished: 2, total: 2 })).toBe(false);
  });

  it("show the API's percent, else work it out", () => {
    expect(taskPercent({ percent: 40, finished: 0, total: 5 })).toBe(40);
    expect(taskPercent({ finished: 1, total: 3 })).toBe(33);
    expect(taskPercent({ finished: 0, total: 0 })).toBe(100);
  });

  it("read typed serials once each, in order", () => {
    expect(parseSerials("58000000001\n58000000002, 58000000001;58000000003  ")).toEqual([
      "58000000001",
      "58000000002",
      "58000000003",
    ]);
    expect(parseSerials("  ")).toEqual([]);
  });

  it("send relay commands without params and read-now with its OBIS codes", () => {
    expect(commandBody("disconnect", ["1"])).toEqual({ kind: "relay_disconnect", targets: { meters: ["1"] } });
    expect(commandBody("read", ["1"])).toEqual({ kind: "read", targets: { meters: ["1"] }, params: { obis: READ_NOW_OBIS } });
  });
});
