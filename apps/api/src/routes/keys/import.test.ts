import { generateKey, hashKey } from "@keyward/auth-core";
import { MAX_IMPORT_KEYS, verifyAuditChain } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";
import { IMPORT_BODY_LIMIT_BYTES } from "./import";

let h: Harness;
beforeAll(async () => {
  // Usage is flushed only when a test says so: results stay exact, and no flush races a write.
  h = await startHarness({ USAGE_FLUSH_INTERVAL_MS: "300000" });
});
afterAll(() => h.close());

const importKeys = (caller: string | null, payload: unknown) =>
  h.app.inject({
    method: "POST",
    url: "/v1/keys/import",
    headers: { ...(caller ? bearer(caller) : {}), "content-type": "application/json" },
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
  });
const me = (key: string) => h.app.inject({ method: "GET", url: "/v1/me", headers: bearer(key) });

/** A key "from another system": its plaintext stays in the test, only its hash is imported. */
const legacyKey = (environment: "live" | "test" = "live") => generateKey({ prefix: "kw", environment });
const entry = (hash: string, extra: Record<string, unknown> = {}) => ({
  name: "legacy",
  hash,
  environment: "live",
  scopes: ["vehicles:read"],
  ...extra,
});

describe("POST /v1/keys/import", () => {
  it("201 imports by hash; the holders' plaintext keys then authenticate; one audit event per key", async () => {
    const a = legacyKey("test");
    const b = legacyKey();
    const before = await me(a.key);
    expect(before.statusCode).toBe(401); // unknown until imported (and now in the negative cache)

    const res = await importKeys(h.adminKey, {
      keys: [
        entry(a.hash, { name: "legacy A", environment: "test", start: a.start, metadata: { from: "vault" } }),
        entry(b.hash.toUpperCase(), {
          name: "legacy B",
          scopes: ["keys:read", "vehicles:write"],
          ipAllowlist: ["127.0.0.1/32"],
          rateLimit: { limit: 100, windowSeconds: 60 },
        }),
      ],
    });
    expect(res.statusCode).toBe(201);
    const { data } = res.json();
    expect(data).toHaveLength(2);
    expect(data[0]).toMatchObject({
      name: "legacy A",
      start: a.start,
      fingerprint: a.fingerprint,
      environment: "test",
      imported: true,
      status: "active",
      metadata: { from: "vault" },
    });
    expect(data[1]).toMatchObject({
      name: "legacy B",
      start: "imported",
      fingerprint: b.fingerprint,
      scopes: ["keys:read", "vehicles:write"],
      ipAllowlist: ["127.0.0.1/32"],
      rateLimit: { limit: 100, windowSeconds: 60 },
      imported: true,
    });
    expect((await h.db.apiKey.findUniqueOrThrow({ where: { id: data[1].id } })).hash).toBe(b.hash);

    const whoA = await me(a.key);
    expect(whoA.statusCode).toBe(200);
    expect(whoA.json()).toMatchObject({ keyId: data[0].id, environment: "test", company: { id: h.companyId } });
    expect((await me(b.key)).statusCode).toBe(200);
    // Its scopes are enforced like any key's: keys:read yes, keys:write no.
    expect((await h.app.inject({ method: "GET", url: "/v1/keys", headers: bearer(b.key) })).statusCode).toBe(200);
    expect(
      (await h.app.inject({ method: "POST", url: "/v1/keys", headers: bearer(b.key), payload: {} })).statusCode,
    ).toBe(403);

    const events = await h.db.auditEvent.findMany({ where: { action: "key.imported" }, orderBy: { seq: "asc" } });
    expect(events.map((e) => [e.keyId, e.fingerprint])).toEqual([
      [data[0].id, a.fingerprint],
      [data[1].id, b.fingerprint],
    ]);
    expect(await verifyAuditChain(h.db, h.companyId)).toBeNull();
  });

  it(`201 with ${MAX_IMPORT_KEYS} keys in one call`, async () => {
    const keys = Array.from({ length: MAX_IMPORT_KEYS }, (_, i) => entry(legacyKey().hash, { name: `bulk ${i}` }));
    const before = await h.db.apiKey.count();
    const res = await importKeys(h.adminKey, { keys });
    expect(res.statusCode).toBe(201);
    expect(res.json().data.map((k: { name: string }) => k.name)).toEqual(keys.map((k) => k.name));
    expect(await h.db.apiKey.count()).toBe(before + MAX_IMPORT_KEYS);
    expect(await verifyAuditChain(h.db, h.companyId)).toBeNull();
  }, 240_000);

  it.each<[string, (hash: string) => unknown]>([
    ["an empty list", () => ({ keys: [] })],
    ["more than the maximum", (hash) => ({ keys: Array.from({ length: MAX_IMPORT_KEYS + 1 }, () => entry(hash)) })],
    ["a hash of 63 hex chars", (hash) => ({ keys: [entry(hash.slice(1))] })],
    ["a hash that is not hex", (hash) => ({ keys: [entry(`${hash.slice(1)}g`)] })],
    ["a plaintext key instead of a hash", () => ({ keys: [entry(legacyKey().key)] })],
    ["a start longer than 20 chars", (hash) => ({ keys: [entry(hash, { start: "kw_live_Ab3dEFGHIJKLMNOP" })] })],
    ["a start that is the whole key", () => ({ keys: [entry(hashKey("sk_short1"), { start: "sk_short1" })] })],
    ["a malformed scope", (hash) => ({ keys: [entry(hash, { scopes: ["vehicles:delete"] })] })],
    ["a past expiry", (hash) => ({ keys: [entry(hash, { expiresAt: "2001-01-01T00:00:00Z" })] })],
    ["an unknown field on a key", (hash) => ({ keys: [entry(hash, { secret: "x" })] })],
    ["a missing environment", (hash) => ({ keys: [{ name: "x", hash, scopes: ["vehicles:read"] }] })],
  ])("400 VALIDATION_FAILED for %s, nothing written", async (_label, payload) => {
    const before = await h.db.apiKey.count();
    const res = await importKeys(h.adminKey, payload(legacyKey().hash));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].code).toBe("VALIDATION_FAILED");
    expect(await h.db.apiKey.count()).toBe(before);
  });

  it("400 names the bad key by its index", async () => {
    const res = await importKeys(h.adminKey, { keys: [entry(legacyKey().hash), entry("nope")] });
    const paths = res.json().errors[0].details.issues.map((i: { path: string[] }) => i.path.join("."));
    expect(paths).toContain("keys.1.hash");
  });

  it("401 without a key, nothing written", async () => {
    const before = await h.db.apiKey.count();
    expect((await importKeys(null, { keys: [entry(legacyKey().hash)] })).statusCode).toBe(401);
    expect(await h.db.apiKey.count()).toBe(before);
  });

  it("403 for a read-only key, and for a key importing scopes it does not hold; nothing written", async () => {
    const writer = await h.keyWithScopes(["keys:write", "vehicles:read"]);
    const before = await h.db.apiKey.count();
    expect((await importKeys(h.readOnlyKey, { keys: [entry(legacyKey().hash)] })).statusCode).toBe(403);

    const res = await importKeys(writer.secret, {
      keys: [entry(legacyKey().hash), entry(legacyKey().hash, { scopes: ["vehicles:read", "*"] })],
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().errors[0].details).toEqual({ required: ["*"], available: ["keys:write", "vehicles:read"] });
    expect(await h.db.apiKey.count()).toBe(before);
    expect((await importKeys(writer.secret, { keys: [entry(legacyKey().hash)] })).statusCode).toBe(201);
  });

  it("409 for a hash repeated in the batch (even in another case), naming its index; nothing written", async () => {
    const dup = legacyKey();
    const before = await h.db.apiKey.count();
    const res = await importKeys(h.adminKey, {
      keys: [entry(dup.hash), entry(legacyKey().hash), entry(dup.hash.toUpperCase())],
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0]).toMatchObject({ code: "CONFLICT", details: { index: 2, indexes: [2] } });
    expect(await h.db.apiKey.count()).toBe(before);
    expect((await me(dup.key)).statusCode).toBe(401);
  });

  it("409 for a hash already stored, naming its index; the whole batch is refused", async () => {
    const fresh = legacyKey();
    const before = await h.db.apiKey.count();
    const eventsBefore = await h.db.auditEvent.count();
    const res = await importKeys(h.adminKey, { keys: [entry(fresh.hash), entry(hashKey(h.readOnlyKey))] });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors[0]).toMatchObject({ code: "CONFLICT", details: { index: 1, indexes: [1] } });
    expect(await h.db.apiKey.count()).toBe(before);
    expect(await h.db.auditEvent.count()).toBe(eventsBefore);
    expect((await me(fresh.key)).statusCode).toBe(401);
  });

  it("409 CONFLICT for a stored hash is the same answer whoever holds it: another company's hash tells nothing of it", async () => {
    const other = await h.otherCompany();
    const theirs = legacyKey();
    expect((await importKeys(other.adminKey, { keys: [entry(theirs.hash)] })).statusCode).toBe(201);
    const ours = legacyKey();
    expect((await importKeys(h.adminKey, { keys: [entry(ours.hash)] })).statusCode).toBe(201);

    const before = await h.db.apiKey.count();
    const foreign = await importKeys(h.adminKey, { keys: [entry(legacyKey().hash), entry(theirs.hash)] });
    const own = await importKeys(h.adminKey, { keys: [entry(legacyKey().hash), entry(ours.hash)] });
    expect(foreign.statusCode).toBe(409);
    expect(foreign.json()).toEqual(own.json());
    expect(foreign.json().errors[0]).toEqual({
      code: "CONFLICT",
      message: "keys[1].hash is already in use",
      details: { index: 1, indexes: [1] },
    });
    expect(await h.db.apiKey.count()).toBe(before);
  });

  it("413 for a body over the import limit, nothing written", async () => {
    const before = await h.db.apiKey.count();
    const res = await importKeys(h.adminKey, {
      keys: [entry(legacyKey().hash, { metadata: { blob: "x".repeat(IMPORT_BODY_LIMIT_BYTES) } })],
    });
    expect(res.statusCode).toBe(413);
    expect(await h.db.apiKey.count()).toBe(before);
  });

  it("cross-tenant: imported keys are the importer's alone; another company's hash is a 409 that names no one", async () => {
    const other = await h.otherCompany();
    const theirs = legacyKey();
    const res = await importKeys(other.adminKey, { keys: [entry(theirs.hash)] });
    expect(res.statusCode).toBe(201);
    const id = res.json().data[0].id;
    expect((await me(theirs.key)).json().company.id).toBe(other.companyId);
    expect((await h.app.inject({ method: "GET", url: `/v1/keys/${id}`, headers: bearer(h.adminKey) })).statusCode).toBe(
      404,
    );

    const again = await importKeys(h.adminKey, { keys: [entry(theirs.hash)] });
    expect(again.statusCode).toBe(409);
    expect(again.body).not.toContain(other.companyId);
    expect(again.body).not.toContain(id);
    expect((await me(theirs.key)).json().company.id).toBe(other.companyId);
  });
});
