// Every example as its README runs it (`pnpm --dir examples/<name> start` with KEYWARD_URL,
// KEYWARD_ROOT_KEY and PORT) against a real Keyward API on a fresh embedded database, with keys
// created through that API: 200 with vehicles:read, 401 without a key, 403 without the scope,
// and 401 within a second of a revoke made through the API.
import { fileURLToPath } from "node:url";
import { type Harness, startHarness } from "@keyward/api/testing";
import { freePort, type Spawned, spawnLogged } from "@keyward/child-servers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REPO = fileURLToPath(new URL("../../..", import.meta.url));
const EXAMPLES = ["express", "fastify", "hono", "nextjs"] as const;
/** How soon a revoked key must be refused by a service the SDK protects (issue #15). */
const REVOKE_DEADLINE_MS = 1000;
const POLL_MS = 50;

let harness: Harness;
let apiUrl: string;
let rootKey: string;

async function adminCall(path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${harness.adminKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function createKey(name: string, scopes: string[]): Promise<{ id: string; key: string }> {
  const created = await adminCall("/v1/keys", { name, scopes, environment: "live" });
  return { id: created.id as string, key: created.key as string };
}

/** Waits until the example answers at all (a 401 without a key is an answer); fails if it exits first. */
async function waitForAnswer(url: string, spawned: Spawned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (spawned.child.exitCode !== null) {
      throw new Error(`${spawned.name} exited (${spawned.child.exitCode}):\n${spawned.output().slice(-4000)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.body?.cancel();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${spawned.name} did not answer ${url}:\n${spawned.output().slice(-4000)}`);
}

beforeAll(async () => {
  harness = await startHarness();
  apiUrl = await harness.app.listen({ port: 0, host: "127.0.0.1" });
  rootKey = (await createKey("vehicles service", ["keys:verify"])).key;
});
afterAll(() => harness?.close());

describe.each(EXAMPLES)("examples/%s", (name) => {
  let example: Spawned;
  let url: string;
  const get = (key?: string) => fetch(`${url}/vehicles`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    example = spawnLogged("pnpm", ["--dir", `examples/${name}`, "start"], {
      name: `examples/${name}`,
      cwd: REPO,
      env: {
        ...process.env,
        KEYWARD_URL: apiUrl,
        KEYWARD_ROOT_KEY: rootKey,
        PORT: String(port),
        NEXT_TELEMETRY_DISABLED: "1",
      },
      // pnpm, its shell and the server: SIGTERM reaches them all, as a Ctrl-C would.
      processGroup: true,
      forceKillAfterMs: 10_000,
    });
    await waitForAnswer(`${url}/vehicles`, example, name === "nextjs" ? 540_000 : 120_000);
  });
  afterAll(() => example?.stop());

  it("200 with a key that has vehicles:read: the vehicles, with the key's company and id", async () => {
    const reader = await createKey(`${name} reader`, ["vehicles:read"]);
    const res = await get(reader.key);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { companyId: string; keyId: string; vehicles: unknown[] };
    expect(body.companyId).toBe(harness.companyId);
    expect(body.keyId).toBe(reader.id);
    expect(body.vehicles.length).toBeGreaterThan(0);
  });

  it("401 without a key, with WWW-Authenticate", async () => {
    const res = await get();
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="keyward"');
    expect(await res.json()).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] });
  });

  it("403 with a key without vehicles:read", async () => {
    const other = await createKey(`${name} billing`, ["invoices:read"]);
    const res = await get(other.key);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({
      errors: [{ code: "FORBIDDEN", details: { required: ["vehicles:read"], available: ["invoices:read"] } }],
    });
  });

  it(`401 within ${REVOKE_DEADLINE_MS} ms of a revoke made through the API`, async () => {
    const doomed = await createKey(`${name} doomed`, ["vehicles:read"]);
    // Used twice first, so a cached verdict (if the SDK keeps one) is what the revoke must beat.
    expect((await get(doomed.key)).status).toBe(200);
    expect((await get(doomed.key)).status).toBe(200);
    const revokedAt = performance.now();
    await adminCall(`/v1/keys/${doomed.id}/revoke`, {});
    let status = 200;
    while (status !== 401 && performance.now() - revokedAt <= REVOKE_DEADLINE_MS) {
      status = (await get(doomed.key)).status;
      if (status !== 401) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const elapsed = performance.now() - revokedAt;
    expect(status).toBe(401);
    expect(elapsed).toBeLessThanOrEqual(REVOKE_DEADLINE_MS);
  });
});
