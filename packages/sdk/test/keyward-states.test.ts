// The SDK's cache and freshness rules, against a fake Keyward whose answers the test controls
// (fake-keyward.ts). Nothing here waits a fixed time: each step waits for what it needs to see.
import { generateKey } from "@keyward/auth-core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Keyward, type KeywardOptions } from "../src/keyward.js";
import type { Verdict } from "../src/types.js";
import { type FakeKeyward, startFakeKeyward } from "./fake-keyward.js";

const ROOT = generateKey({ prefix: "kw", environment: "live" }).key;

function validVerdict(keyId: string, extra: Partial<Verdict> = {}): Verdict {
  return {
    valid: true,
    code: "VALID",
    keyId,
    companyId: "c1",
    scopes: ["vehicles:read"],
    environment: "live",
    metadata: { plan: "pro" },
    expiresAt: null,
    ...extra,
  };
}

let fake: FakeKeyward;
let sdk: Keyward;
const errors: unknown[] = [];

function start(opts: Partial<KeywardOptions> = {}): Keyward {
  sdk = new Keyward({
    baseUrl: fake.url,
    rootKey: ROOT,
    onError: (e) => errors.push(e),
    usageFlushMs: 60_000,
    ...opts,
  });
  return sdk;
}

/** A key the fake knows, and one call that makes the SDK start its stream. */
async function knownKey(id: string, extra: Partial<Verdict> = {}): Promise<string> {
  const { key } = generateKey({ prefix: "kw", environment: "live" });
  fake.verdicts.set(key, validVerdict(id, extra));
  return key;
}

async function untilLive(): Promise<void> {
  await vi.waitFor(() => expect(sdk.live).toBe(true));
}

beforeEach(async () => {
  fake = await startFakeKeyward();
  errors.length = 0;
});
afterEach(async () => {
  await sdk?.close();
  await fake.close();
});

describe("answers without the network", () => {
  it("refuses a key whose checksum is wrong, and garbage, without a call", async () => {
    start();
    const key = await knownKey("k1");
    const typo = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    expect(await sdk.verifyKey({ key: typo })).toEqual({ valid: false, code: "NOT_FOUND" });
    expect(await sdk.verifyKey({ key: "Bearer nonsense" })).toEqual({ valid: false, code: "NOT_FOUND" });
    expect(fake.verifies).toHaveLength(0);
  });

  it("answers a known key from the cache once the stream is live, and reports that use", async () => {
    start();
    const key = await knownKey("k1");
    const first = await sdk.verifyKey({ key, requiredScopes: ["vehicles:read"], ip: "10.0.0.7" });
    expect(first).toMatchObject({ valid: true, keyId: "k1", metadata: { plan: "pro" } });
    await untilLive();
    await sdk.verifyKey({ key, requiredScopes: ["vehicles:read"], ip: "10.0.0.7" }); // cached now
    await sdk.flushUsage();
    fake.reports.length = 0;
    const calls = fake.verifies.length;
    for (let i = 0; i < 5; i++) {
      expect(await sdk.verifyKey({ key, requiredScopes: ["vehicles:read"], ip: "10.0.0.7" })).toMatchObject({
        valid: true,
        keyId: "k1",
      });
    }
    expect(fake.verifies).toHaveLength(calls);
    // Other inputs are another verdict: asked once.
    await sdk.verifyKey({ key, requiredScopes: ["vehicles:write"], ip: "10.0.0.7" });
    expect(fake.verifies).toHaveLength(calls + 1);

    await sdk.flushUsage();
    expect(fake.reports.flat()).toEqual([{ keyId: "k1", code: "VALID", ip: "10.0.0.7", count: 5 }]);
  });

  it("never caches a key with a rate limit: Keyward holds the count every instance shares", async () => {
    start();
    const key = await knownKey("k1", { ratelimit: { limit: 10, remaining: 9, resetSeconds: 60 } });
    await sdk.verifyKey({ key });
    await untilLive();
    await sdk.verifyKey({ key });
    await sdk.verifyKey({ key });
    expect(fake.verifies).toHaveLength(3);
  });
});

describe("freshness", () => {
  it("forgets a key the moment Keyward says it changed", async () => {
    start();
    const key = await knownKey("k1");
    await sdk.verifyKey({ key });
    await untilLive();
    await sdk.verifyKey({ key });
    const calls = fake.verifies.length;
    fake.verdicts.set(key, { valid: false, code: "REVOKED", keyId: "k1" });
    fake.change("k1");
    await vi.waitFor(async () => expect(await sdk.verifyKey({ key })).toMatchObject({ code: "REVOKED" }));
    expect(fake.verifies.length).toBeGreaterThan(calls);
  });

  it("does not cache a verdict that was in flight when a change arrived", async () => {
    start();
    const key = await knownKey("k1");
    const witness = await knownKey("k0");
    await sdk.verifyKey({ key: witness });
    await untilLive();
    await sdk.verifyKey({ key: witness }); // cached
    let release = () => {};
    fake.hold = { key, until: new Promise<void>((resolve) => (release = resolve)) };
    const inFlight = sdk.verifyKey({ key });
    await vi.waitFor(() => expect(fake.verifies.at(-1)?.key).toBe(key));
    fake.change("k1");
    fake.change("k0");
    // The witness asked again means both changes, sent in order, have reached the SDK.
    await vi.waitFor(async () => {
      const before = fake.verifies.length;
      await sdk.verifyKey({ key: witness });
      expect(fake.verifies.length).toBe(before + 1);
    });
    release();
    fake.hold = null;
    await inFlight;
    const calls = fake.verifies.length;
    await sdk.verifyKey({ key });
    expect(fake.verifies).toHaveLength(calls + 1);
  });

  it("resumes a cut stream from its cursor and keeps the cache; a reset empties it", async () => {
    start();
    const key = await knownKey("k1");
    await sdk.verifyKey({ key });
    await untilLive();
    await sdk.verifyKey({ key });
    // A change the SDK has seen (its key was asked again), so its cursor is the change's.
    fake.change("k1");
    await vi.waitFor(async () => {
      const before = fake.verifies.length;
      await sdk.verifyKey({ key });
      expect(fake.verifies.length).toBe(before + 1);
    });
    await sdk.verifyKey({ key }); // cached again
    fake.cutStreams();
    await vi.waitFor(() => expect(fake.streamCursors).toHaveLength(2));
    expect(fake.streamCursors).toEqual([undefined, "1001"]);
    await untilLive();
    let calls = fake.verifies.length;
    await sdk.verifyKey({ key });
    expect(fake.verifies).toHaveLength(calls); // still cached

    fake.resumable = false;
    fake.cutStreams();
    await vi.waitFor(() => expect(fake.streamCursors).toHaveLength(3));
    await untilLive();
    calls = fake.verifies.length;
    await sdk.verifyKey({ key });
    expect(fake.verifies).toHaveLength(calls + 1); // asked again after the reset
  });

  it("asks Keyward for every key while the stream is down", async () => {
    start();
    const key = await knownKey("k1");
    await sdk.verifyKey({ key });
    await untilLive();
    await sdk.verifyKey({ key }); // cached
    fake.acceptStreams = false;
    fake.cutStreams();
    await vi.waitFor(() => expect(sdk.live).toBe(false));
    // Until the stream is back, each call goes out: the SDK cannot know what changed meanwhile.
    const calls = fake.verifies.length;
    await sdk.verifyKey({ key });
    await sdk.verifyKey({ key });
    expect(fake.verifies).toHaveLength(calls + 2);
  });
});

describe("when Keyward is unreachable", () => {
  it("keeps cached keys working for the grace period, and answers UNAVAILABLE for the rest", async () => {
    let now = 1_000_000;
    start({ now: () => now, offlineGraceMs: 60_000 });
    const key = await knownKey("k1");
    const stranger = await knownKey("k2");
    await sdk.verifyKey({ key });
    await untilLive();
    await sdk.verifyKey({ key });
    await fake.close();
    await vi.waitFor(() => expect(sdk.live).toBe(false));

    expect(await sdk.verifyKey({ key })).toMatchObject({ valid: true, keyId: "k1" });
    expect(await sdk.verifyKey({ key: stranger })).toEqual({ valid: false, code: "UNAVAILABLE" });
    now += 60_001;
    expect(await sdk.verifyKey({ key })).toEqual({ valid: false, code: "UNAVAILABLE" });
    expect(errors.length).toBeGreaterThan(0);
  });

  it("a root key Keyward refuses is no outage: no grace, and the cache is emptied", async () => {
    start({ offlineGraceMs: 60_000 });
    const key = await knownKey("k1");
    await sdk.verifyKey({ key });
    await untilLive();
    await sdk.verifyKey({ key }); // cached
    fake.acceptRoot = false;
    fake.acceptStreams = false;
    fake.cutStreams();
    await vi.waitFor(() => expect(sdk.live).toBe(false));
    expect(await sdk.verifyKey({ key })).toEqual({ valid: false, code: "UNAVAILABLE" });
    expect(errors.at(-1)).toMatchObject({ name: "KeywardResponseError", status: 401 });
    // Back in service: the key is asked again, not answered from what the refused key had cached.
    fake.acceptRoot = true;
    const calls = fake.verifies.length;
    expect(await sdk.verifyKey({ key })).toMatchObject({ valid: true });
    expect(fake.verifies).toHaveLength(calls + 1);
  });

  it("without a stream ever live, an unreachable Keyward is UNAVAILABLE", async () => {
    const url = fake.url;
    await fake.close();
    sdk = new Keyward({ baseUrl: url, rootKey: ROOT, onError: () => {}, timeoutMs: 2000 });
    const { key } = generateKey({ prefix: "kw", environment: "test" });
    expect(await sdk.verifyKey({ key })).toEqual({ valid: false, code: "UNAVAILABLE" });
    fake = await startFakeKeyward(); // for afterEach
  });
});

describe("usage", () => {
  it("keeps counts a failed report could not send, and reports what is left on close", async () => {
    start();
    const key = await knownKey("k1");
    await sdk.verifyKey({ key });
    await untilLive();
    await sdk.verifyKey({ key });
    await sdk.flushUsage();
    fake.reports.length = 0;

    await sdk.verifyKey({ key });
    await sdk.verifyKey({ key });
    fake.acceptReports = false;
    await expect(sdk.flushUsage()).rejects.toThrow(/HTTP 500/);
    fake.acceptReports = true;
    await sdk.verifyKey({ key });
    await sdk.close();
    expect(fake.reports.flat()).toEqual([{ keyId: "k1", code: "VALID", count: 3 }]);
  });
});
