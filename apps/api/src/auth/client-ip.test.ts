// Client IPs (TRUST_PROXY): X-Forwarded-For counts only when it came through trusted proxies, for the
// failed-credential throttle and for audit events alike. One rule with the dashboard: auth-core's client-ip.ts.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadEnv } from "../env";
import { testIp } from "../test/credentials";
import { bearer, type Harness, startHarness } from "../test/harness";

const PROXY = "192.0.2.1"; // in TRUST_PROXY below
const LIMIT = 3;
const WAIT = { timeout: 10_000, interval: 50 };

let byCidr: Harness;
let byHops: Harness;
beforeAll(async () => {
  [byCidr, byHops] = await Promise.all([
    startHarness({ TRUST_PROXY: "192.0.2.0/24", AUTH_FAILURE_LIMIT: String(LIMIT) }),
    startHarness({ TRUST_PROXY: "1", AUTH_FAILURE_LIMIT: String(LIMIT) }),
  ]);
});
afterAll(() => Promise.all([byCidr?.close(), byHops?.close()]));

const me = (h: Harness, key: string, remoteAddress: string, forwardedFor?: string) =>
  h.app.inject({
    method: "GET",
    url: "/v1/me",
    headers: { ...bearer(key), ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
    remoteAddress,
  });

/** Creates a key and returns the IP its audit event recorded. */
async function auditedIp(h: Harness, remoteAddress: string, forwardedFor?: string): Promise<string | null> {
  const res = await h.app.inject({
    method: "POST",
    url: "/v1/keys",
    headers: { ...bearer(h.adminKey), ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
    payload: { name: "audited", scopes: ["keys:read"], environment: "test" },
    remoteAddress,
  });
  expect(res.statusCode).toBe(201);
  const event = await h.db.auditEvent.findFirstOrThrow({ where: { action: "key.created", targetId: res.json().id } });
  return event.ip;
}

const BAD_KEY = `kw_live_${"A".repeat(49)}`;

describe("TRUST_PROXY", () => {
  it("refuses `true` at start, saying what to set instead", () => {
    expect(() => loadEnv({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY.*no longer accepted.*IPs or CIDRs/s);
    expect(() => loadEnv({ TRUST_PROXY: "10.0.0.0/40" })).toThrow(/TRUST_PROXY/);
  });

  it("429: a forged X-Forwarded-For from an untrusted peer is ignored, the throttle counts the socket's IP", async () => {
    const peer = testIp();
    for (let i = 0; i < LIMIT; i++) expect((await me(byCidr, BAD_KEY, peer, testIp())).statusCode).toBe(401);
    // A refused key's failure is recorded off the response path: the block follows shortly.
    await vi.waitFor(
      async () => expect((await me(byCidr, byCidr.adminKey, peer, testIp())).statusCode).toBe(429),
      WAIT,
    );
  });

  it("the audit IP is the socket's when the peer is not a trusted proxy", async () => {
    const peer = testIp();
    expect(await auditedIp(byCidr, peer, "203.0.113.66")).toBe(peer);
  });

  it("from a trusted proxy the hop before it is the client, whatever the client prepended", async () => {
    const client = testIp();
    expect(await auditedIp(byCidr, PROXY, `203.0.113.66, ${client}`)).toBe(client);
  });

  it("429 for the client behind a trusted proxy, not for the proxy's other clients", async () => {
    const [guesser, other] = [testIp(), testIp()];
    for (let i = 0; i < LIMIT; i++) expect((await me(byCidr, BAD_KEY, PROXY, guesser)).statusCode).toBe(401);
    await vi.waitFor(
      async () => expect((await me(byCidr, byCidr.adminKey, PROXY, guesser)).statusCode).toBe(429),
      WAIT,
    );
    expect((await me(byCidr, byCidr.adminKey, PROXY, other)).statusCode).toBe(200);
  });

  it("a hop count (TRUST_PROXY=1) trusts exactly one proxy: the entry it appended is the client", async () => {
    const client = testIp();
    expect(await auditedIp(byHops, testIp(), `203.0.113.66, ${client}`)).toBe(client);
  });
});
