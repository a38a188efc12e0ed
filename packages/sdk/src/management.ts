// A typed client for Keyward's whole API (keys, audit events, usage, alert rules, companies…),
// generated from the OpenAPI document the API serves: `src/generated/api.ts` is openapi-typescript's
// output for `src/generated/openapi.json` (regenerate both with `pnpm --filter @keyward/sdk
// api-client`; tests fail when either is stale), and openapi-fetch makes the calls, so a path, a
// parameter or a body that the API would refuse does not compile.
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./generated/api.js";

export type KeywardPaths = paths;
export type ManagementClient = Client<paths>;

export interface ManagementClientOptions {
  baseUrl: string;
  /** A key (or user token) with the scopes of the calls you make. */
  rootKey: string;
  fetch?: typeof fetch;
}

/**
 * `client.GET("/v1/keys", { params: { query: { status: "current" } } })` answers
 * `{ data, error, response }`: `data` typed as the API's 200 answer, `error` as its error envelope.
 */
export function createManagementClient(opts: ManagementClientOptions): ManagementClient {
  const fetcher = opts.fetch;
  return createClient<paths>({
    baseUrl: opts.baseUrl.replace(/\/+$/, ""),
    headers: { authorization: `Bearer ${opts.rootKey}` },
    ...(fetcher === undefined ? {} : { fetch: (request: Request) => fetcher(request) }),
  });
}
