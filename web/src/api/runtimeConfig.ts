// The console's runtime config, /config.json: where the API is and which user pool signs operators in. In the
// cloud a CloudFront function answers it (template.yaml, ConsoleConfigFunction), locally infra/local/web.py.
// An empty apiUrl means the API is on the console's own origin (CloudFront sends /v1/* to it).

export interface RuntimeConfig {
  apiUrl: string;
  region: string;
  userPoolId: string;
  userPoolClientId: string;
}

const EMPTY: RuntimeConfig = { apiUrl: "", region: "", userPoolId: "", userPoolClientId: "" };
let current: RuntimeConfig = EMPTY;

export function runtimeConfig(): RuntimeConfig {
  return current;
}

export async function loadRuntimeConfig(fetcher: typeof fetch = (...args) => fetch(...args)): Promise<RuntimeConfig> {
  try {
    const response = await fetcher("/config.json", { headers: { Accept: "application/json" }, cache: "no-store" });
    if (response.ok) current = { ...EMPTY, ...((await response.json()) as Partial<RuntimeConfig>) };
  } catch {
    current = EMPTY; // no config: the API is on this origin
  }
  return current;
}

/** The address of an API path ("/v1/...") under the configured API URL. */
export function apiAddress(path: string, config: RuntimeConfig = current): string {
  return `${config.apiUrl.replace(/\/+$/, "")}${path}`;
}
