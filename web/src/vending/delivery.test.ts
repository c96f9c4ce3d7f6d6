import { describe, expect, it } from "vitest";

import { ApiClient } from "../api/client";
import { remoteReach } from "./vendingApi";

function clientAnswering(status: number, seen: string[]): ApiClient {
  const fetcher = (async (url: string) => {
    seen.push(url);
    return new Response(JSON.stringify(status === 200 ? { meter: "1" } : { title: "Not found", status }), { status });
  }) as typeof fetch;
  return new ApiClient("token", () => undefined, fetcher);
}

describe("remote delivery", () => {
  it("is offered when a module serves the meter, not when none does", async () => {
    const seen: string[] = [];
    expect(await remoteReach(clientAnswering(200, seen), "58000000001", true)).toBe("yes");
    expect(await remoteReach(clientAnswering(404, seen), "58000000001", true)).toBe("no");
    expect(seen).toEqual(["/v1/shadows/58000000001", "/v1/shadows/58000000001"]);
  });

  it("is left to the API to refuse when the operator may not look at the network", async () => {
    const seen: string[] = [];
    expect(await remoteReach(clientAnswering(200, seen), "58000000001", false)).toBe("unknown");
    expect(await remoteReach(clientAnswering(500, seen), "58000000001", true)).toBe("unknown");
    expect(seen).toHaveLength(1);
  });
});
