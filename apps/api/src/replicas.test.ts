// Two API processes on one database: a revocation through one is refused by the other within a
// second. Without REDIS_URL the database's key-change log carries it; with REDIS_URL, pub/sub.

import { describe, expect, it, vi } from "vitest";
import { useTwoReplicas } from "./test/replicas";

const r = useTwoReplicas();

const auth = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });

describe("two API replicas", () => {
  it("a key revoked on replica A is refused by replica B within 1 second", async () => {
    const [a, b] = r.replicas;
    const created = await fetch(`${a.url}/v1/keys`, {
      method: "POST",
      headers: auth(r.adminKey),
      body: JSON.stringify({ name: "to revoke", scopes: ["keys:read"], environment: "live" }),
    }).then((r) => r.json() as Promise<{ id: string; key: string }>);

    // Warm B's cache so it would keep answering 200 without an invalidation.
    expect((await fetch(`${b.url}/v1/me`, { headers: auth(created.key) })).status).toBe(200);
    expect((await fetch(`${b.url}/v1/me`, { headers: auth(created.key) })).status).toBe(200);

    const revoked = await fetch(`${a.url}/v1/keys/${created.id}/revoke`, {
      method: "POST",
      headers: auth(r.adminKey),
      body: "{}",
    });
    expect(revoked.status).toBe(200);
    const revokedAt = Date.now();

    // B answers 200 until the revocation reaches it; its first other answer must be 401.
    const status = await vi.waitFor(
      async () => {
        const { status } = await fetch(`${b.url}/v1/me`, { headers: auth(created.key) });
        if (status === 200) throw new Error("B still accepts the revoked key");
        return status;
      },
      { timeout: 3000, interval: 20 },
    );
    const elapsed = Date.now() - revokedAt;
    expect(status).toBe(401);
    expect(elapsed).toBeLessThan(1000);
  });
});
