// A real Keyward API for the SDK's tests: the app on a fresh database (PGlite, or the PostgreSQL
// named by TEST_DATABASE_URL), listening on a loopback port, and keys created through its API as a
// company's admin would.

import { type Harness, startHarness } from "@keyward/api/testing";
import { freePort } from "@keyward/child-servers";

export interface KeywardApi {
  url: string;
  harness: Harness;
  companyId: string;
  /** A key created through `POST /v1/keys` with the admin key: its id and secret. */
  createKey(body: Record<string, unknown>): Promise<{ id: string; key: string }>;
  /** `POST /v1/keys/:id/revoke` with the admin key. */
  revokeKey(id: string): Promise<void>;
  close(): Promise<void>;
}

export async function startKeywardApi(): Promise<KeywardApi> {
  const harness = await startHarness();
  const url = await harness.app.listen({ port: 0, host: "127.0.0.1" });
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${harness.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url,
    harness,
    companyId: harness.companyId,
    async createKey(body) {
      const created = await call("/v1/keys", { environment: "live", ...body });
      return { id: created.id as string, key: created.key as string };
    },
    async revokeKey(id) {
      await call(`/v1/keys/${id}/revoke`, {});
    },
    async close() {
      // Node's fetch pre-opens pool sockets that never carry a request; the server would wait out
      // their headers timeout (about 70 s) on close. The tests' streams are closed by now: drop them.
      harness.app.server.closeAllConnections();
      await harness.close();
    },
  };
}

/** A loopback URL where nothing listens: Keyward unreachable. */
export async function unreachableUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
