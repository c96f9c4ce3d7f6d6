import { describe, expect, it } from "vitest";

import { apiAddress, loadRuntimeConfig, runtimeConfig } from "./runtimeConfig";

function answering(status: number, body: unknown): typeof fetch {
  return (async () => new Response(JSON.stringify(body), { status })) as typeof fetch;
}

describe("runtime config", () => {
  it("puts API paths under the configured API URL, or on this origin when it is empty", () => {
    const config = { apiUrl: "https://api.example.org/api/", region: "eu-west-1", userPoolId: "p", userPoolClientId: "c" };
    expect(apiAddress("/v1/vends?meter=1", config)).toBe("https://api.example.org/api/v1/vends?meter=1");
    expect(apiAddress("/v1/me", { ...config, apiUrl: "" })).toBe("/v1/me");
  });

  it("reads /config.json and keeps working without it", async () => {
    const loaded = await loadRuntimeConfig(answering(200, { apiUrl: "https://x.test", userPoolId: "eu-west-1_p" }));
    expect([loaded.apiUrl, loaded.userPoolId, loaded.region]).toEqual(["https://x.test", "eu-west-1_p", ""]);
    expect(apiAddress("/v1/me")).toBe("https://x.test/v1/me");
    await loadRuntimeConfig((async () => { throw new TypeError("offline"); }) as typeof fetch);
    expect(runtimeConfig().apiUrl).toBe("");
  });
});
