import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";

import { ApiClient } from "../api/client";
import { checkInstallation, emptyInstallation, installationBody } from "./installation";
import { Outbox } from "./outbox";
import { canScan, detectOnce, serialFromCode } from "./scanning";
import { sendInstallation } from "./workOrders";

let databaseNumber = 0;
function newOutbox(): Outbox {
  databaseNumber += 1;
  return new Outbox(`outbox-test-${databaseNumber}-${Math.random()}`);
}

describe("outbox", () => {
  it("keeps everything through a network failure and sends it, oldest first, when back", async () => {
    const outbox = newOutbox();
    await outbox.add("wo-1", { meter_serial: "A1" }, new Date("2026-01-01T10:00:00Z"));
    await outbox.add("wo-2", { meter_serial: "B2" }, new Date("2026-01-01T10:05:00Z"));

    const offline = await outbox.flush(async () => ({ outcome: "offline" }));
    expect(offline).toEqual({ sent: 0, waiting: 2 });
    expect((await outbox.list()).map((entry) => entry.attempts)).toEqual([1, 0]);

    const order: string[] = [];
    const online = await outbox.flush(async (entry) => {
      order.push(entry.workOrderId);
      return { outcome: "sent" };
    });
    expect(online).toEqual({ sent: 2, waiting: 0 });
    expect(order).toEqual(["wo-1", "wo-2"]);
    expect(await outbox.list()).toEqual([]);
  });

  it("keeps a refused submission with its reason and does not send it again", async () => {
    const outbox = newOutbox();
    await outbox.add("wo-3", { meter_serial: "C3" });
    await outbox.flush(async () => ({ outcome: "rejected", reason: "meter_serial: unknown meter" }));
    const [kept] = await outbox.list();
    expect(kept.rejectedReason).toBe("meter_serial: unknown meter");
    let calls = 0;
    const again = await outbox.flush(async () => {
      calls += 1;
      return { outcome: "sent" };
    });
    expect(calls).toBe(0);
    expect(again).toEqual({ sent: 0, waiting: 0 });
    await outbox.remove(kept.id);
    expect(await outbox.list()).toEqual([]);
  });

  it("survives closing and reopening the database", async () => {
    const name = `outbox-reopen-${Math.random()}`;
    const first = new Outbox(name);
    await first.add("wo-4", { meter_serial: "D4" });
    first.close();
    const reopened = new Outbox(name);
    expect((await reopened.list()).map((entry) => entry.workOrderId)).toEqual(["wo-4"]);
  });
});

describe("scanning", () => {
  it("reads a serial from plain, key=value and JSON codes", () => {
    expect(serialFromCode(" 0123-4567 89 ")).toBe("0123-456789");
    expect(serialFromCode("model=X1;SN=ab12cd34;hw=2")).toBe("AB12CD34");
    expect(serialFromCode('{"sn":"M00042","model":"SP-1P"}')).toBe("M00042");
    expect(serialFromCode("{not json")).toBe("{NOTJSON");
  });

  it("scans only where the browser has a detector and a camera", () => {
    expect(canScan({})).toBe(false);
    const camera = { navigator: { mediaDevices: { getUserMedia: () => undefined } } };
    expect(canScan(camera)).toBe(false);
    expect(canScan({ ...camera, BarcodeDetector: class {} })).toBe(true);
  });

  it("takes the first code the detector finds", async () => {
    const detector = { detect: async () => [{ rawValue: "  ", format: "qr_code" }, { rawValue: "sn=Z9", format: "qr_code" }] };
    expect(await detectOnce(detector, {} as CanvasImageSource)).toBe("Z9");
    expect(await detectOnce({ detect: async () => [] }, {} as CanvasImageSource)).toBeNull();
  });
});

describe("installation", () => {
  const good = {
    ...emptyInstallation,
    meterSerial: "01234567890",
    pocName: "House 12",
    customerCode: "C-401",
    siteId: "s1",
    projectId: "p1",
    gridId: "g1",
    ctRatio: "100",
    ptRatio: "1",
  };

  it("accepts a complete installation and builds the completion body", () => {
    expect(checkInstallation(good, "01234567890")).toEqual({});
    const body = installationBody({ ...good, latitude: "-1.28", longitude: "36.82", moduleSerial: "MOD-7" });
    expect(body).toEqual({
      meter_sn: "01234567890",
      module_sn: "MOD-7",
      ct_ratio: 100,
      pt_ratio: 1,
      point: {
        name: "House 12",
        customer_code: "C-401",
        site_id: "s1",
        project_id: "p1",
        grid_id: "g1",
        address: "",
        latitude: -1.28,
        longitude: 36.82,
      },
      remark: "",
    });
    expect(installationBody(good)).not.toHaveProperty("module_sn");
  });

  it("names each field that is wrong, and a meter that is not the order's", () => {
    const problems = checkInstallation({ ...good, gridId: "", ctRatio: "0", latitude: "95", longitude: "" });
    expect(Object.keys(problems).sort()).toEqual(["ctRatio", "gridId", "latitude", "longitude"]);
    expect(checkInstallation(good, "09999999999").meterSerial).toBe("this order installs 09999999999");
  });
});

describe("sending a completion", () => {
  const entry = { id: "e1", workOrderId: "wo-9", body: { meter_sn: "A1" }, queuedAt: "", attempts: 0 };

  function client(answers: Record<string, () => Promise<unknown>>): ApiClient {
    const fetcher = async (url: RequestInfo | URL, init?: RequestInit) => {
      const key = `${init?.method ?? "GET"} ${String(url)}`;
      const answer = answers[key];
      if (!answer) throw new TypeError(`offline: ${key}`);
      const [status, body] = (await answer()) as [number, unknown];
      return new Response(JSON.stringify(body), { status });
    };
    return new ApiClient("token", () => undefined, fetcher as typeof fetch);
  }

  it("is sent, kept through a lost network or a server error, and refused with the API's reason", async () => {
    const post = "POST /v1/work-orders/wo-9/complete";
    const get = "GET /v1/work-orders/wo-9";
    expect(await sendInstallation(client({ [post]: async () => [200, {}] }), entry)).toEqual({ outcome: "sent" });
    expect(await sendInstallation(client({}), entry)).toEqual({ outcome: "offline" });
    expect(await sendInstallation(client({ [post]: async () => [503, { title: "Down" }] }), entry)).toEqual({
      outcome: "offline",
    });
    const refused = client({
      [post]: async () => [400, { title: "Invalid input", errors: [{ field: "point.grid_id", message: "no such grid" }] }],
      [get]: async () => [200, { id: "wo-9", state: "in_progress" }],
    });
    expect(await sendInstallation(refused, entry)).toEqual({ outcome: "rejected", reason: "point.grid_id: no such grid" });
  });

  it("counts as sent when an earlier try completed the order but its answer was lost", async () => {
    const answered = client({
      "POST /v1/work-orders/wo-9/complete": async () => [409, { title: "Conflict", detail: "work order is completed" }],
      "GET /v1/work-orders/wo-9": async () => [200, { id: "wo-9", state: "completed" }],
    });
    expect(await sendInstallation(answered, entry)).toEqual({ outcome: "sent" });
  });
});
