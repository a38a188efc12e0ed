// The key-change stream over a real HTTP connection. Changes reach streams from the replica's
// key-change feed, which the tests drive with poll() so each frame's arrival is certain, not timed.
import { createKey, createOperatorKey, openSession, revokeOperatorKey, revokeSessions } from "@keyward/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { bearer, type Harness, startHarness } from "../../test/harness";
import { openSse, type SseClient } from "../../test/sse-client";

const ENV = {
  EVENTS_POLL_INTERVAL_MS: "100",
  EVENTS_HEARTBEAT_MS: "300",
  EVENTS_MAX_STREAMS_PER_COMPANY: "3",
};
const HOUR_MS = 3_600_000;

let h: Harness;
let base: string;
let other: { companyId: string; adminKey: string };
beforeAll(async () => {
  h = await startHarness(ENV);
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
  other = await h.otherCompany();
});
afterAll(async () => {
  h.app.server.closeAllConnections();
  await h.close();
});

const WAIT = { timeout: 3000, interval: 20 };

interface KeyChange {
  keyId: string;
  companyId: string;
}

const open = (credential: string, lastEventId?: string) =>
  openSse(`${base}/v1/keys/changes`, {
    ...bearer(credential),
    ...(lastEventId === undefined ? {} : { "last-event-id": lastEventId }),
  });

/** Opens a stream and waits for its `ready`. */
async function ready(credential: string, lastEventId?: string): Promise<SseClient> {
  const stream = await open(credential, lastEventId);
  expect(stream.status).toBe(200);
  await vi.waitFor(() => expect(stream.data("ready")).toHaveLength(1), WAIT);
  return stream;
}

const changedKeys = (stream: SseClient) => stream.data<KeyChange>("key").map((c) => c.keyId);

/** The feed reads the log now (as its 100 ms poll would), handing new changes to the streams. */
const poll = () => h.app.keyward.keyChanges.poll();

const revoke = async (credential: string, id: string) => {
  const res = await h.app.inject({ method: "POST", url: `/v1/keys/${id}/revoke`, headers: bearer(credential) });
  expect(res.statusCode).toBe(200);
};

const theirKey = async () => {
  const { key } = await createKey(
    h.db,
    other.companyId,
    { name: "theirs", scopes: ["vehicles:read"], environment: "live" },
    { type: "system" },
  );
  return key.id;
};

const operatorKey = async () =>
  (await createOperatorKey(h.db, { name: "sdk operator", scopes: ["keys:verify"] }, null)).secret;

describe("GET /v1/keys/changes", () => {
  // Every change an earlier test made has reached the feed: a new stream hears only this test's.
  beforeEach(() => poll());

  it("200: revoke, update and rotate through the API reach an open stream as `event: key`, id the change's time", async () => {
    const caller = await h.keyWithScopes(["keys:verify"]);
    const stream = await ready(caller.secret);
    try {
      expect(stream.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(stream.headers.get("cache-control")).toBe("no-store");
      const [readyFrame] = stream.frames.filter((f) => f.event === "ready");
      expect(readyFrame?.data).toBe('{"reset":true}');
      expect(Number(readyFrame?.id)).toBeGreaterThan(Date.now() - 60_000);

      const [revoked, updated, rotated] = [
        await h.keyWithScopes(["vehicles:read"]),
        await h.keyWithScopes(["vehicles:read"]),
        await h.keyWithScopes(["vehicles:read"]),
      ];
      await revoke(h.adminKey, revoked.id);
      const patch = { metadata: { plan: "fleet" } };
      const headers = bearer(h.adminKey);
      expect(
        (await h.app.inject({ method: "PATCH", url: `/v1/keys/${updated.id}`, headers, payload: patch })).statusCode,
      ).toBe(200);
      expect((await h.app.inject({ method: "POST", url: `/v1/keys/${rotated.id}/rotate`, headers })).statusCode).toBe(
        201,
      );
      await poll();

      await vi.waitFor(() => expect(changedKeys(stream)).toHaveLength(3), WAIT);
      expect(stream.data("key")).toEqual(
        [revoked, updated, rotated].map((k) => ({ keyId: k.id, companyId: h.companyId })),
      );
      const rows = await h.db.keyChange.findMany({ where: { keyId: { in: [revoked.id, updated.id, rotated.id] } } });
      expect(rows.map((r) => r.companyId)).toEqual([h.companyId, h.companyId, h.companyId]);
      const frame = stream.frames.find((f) => f.event === "key");
      expect(frame?.id).toBe(String(rows.find((r) => r.keyId === revoked.id)?.createdAt.getTime()));
      expect(stream.text()).not.toContain(caller.secret);
    } finally {
      stream.close();
    }
  });

  it("cross-tenant: a company's stream never hears another company's keys", async () => {
    const mine = await ready(h.adminKey);
    const theirs = await ready(other.adminKey);
    try {
      const ours = await h.keyWithScopes(["vehicles:read"]);
      const their = await theirKey();
      const fence = await theirKey();
      // Theirs is logged first: had it been sent to our stream, it would arrive before ours.
      await revoke(other.adminKey, their);
      await revoke(h.adminKey, ours.id);
      await poll();
      await vi.waitFor(() => expect(changedKeys(mine)).toContain(ours.id), WAIT);
      expect(changedKeys(mine)).toEqual([ours.id]);
      // A later change of theirs fences their stream the same way.
      await revoke(other.adminKey, fence);
      await poll();
      await vi.waitFor(() => expect(changedKeys(theirs)).toContain(fence), WAIT);
      expect(theirs.data("key")).toEqual([
        { keyId: their, companyId: other.companyId },
        { keyId: fence, companyId: other.companyId },
      ]);
    } finally {
      mine.close();
      theirs.close();
    }
  });

  it("an operator key's stream hears every company's keys, each with its company", async () => {
    const stream = await ready(await operatorKey());
    try {
      const ours = await h.keyWithScopes(["vehicles:read"]);
      const their = await theirKey();
      await revoke(h.adminKey, ours.id);
      await revoke(other.adminKey, their);
      await poll();
      await vi.waitFor(() => expect(changedKeys(stream)).toHaveLength(2), WAIT);
      expect(stream.data("key")).toEqual([
        { keyId: ours.id, companyId: h.companyId },
        { keyId: their, companyId: other.companyId },
      ]);
    } finally {
      stream.close();
    }
  });

  it("Last-Event-ID resumes: a change made while disconnected is replayed, then `ready` reset:false", async () => {
    const first = await ready(h.adminKey);
    const cursor = first.frames.find((f) => f.event === "ready")?.id as string;
    first.close();
    const missed = await h.keyWithScopes(["vehicles:read"]);
    await revoke(h.adminKey, missed.id);
    const row = await h.db.keyChange.findFirstOrThrow({ where: { keyId: missed.id } });
    // The feed has passed it while no stream was open: only the replay can bring it back.
    await poll();

    const resumed = await ready(h.adminKey, cursor);
    try {
      const events = resumed.frames.filter((f) => f.event === "key" || f.event === "ready");
      const last = events.at(-1);
      expect(last).toEqual({ event: "ready", id: last?.id, data: '{"reset":false}' });
      expect(events.slice(0, -1).map((f) => JSON.parse(f.data ?? "{}").keyId)).toContain(missed.id);
      expect(events.find((f) => f.data?.includes(missed.id))?.id).toBe(String(row.createdAt.getTime()));
      expect(Number(last?.id)).toBeGreaterThanOrEqual(row.createdAt.getTime());
    } finally {
      resumed.close();
    }
  });

  it.each([
    ["older than the log keeps", () => String(Date.now() - HOUR_MS)],
    ["malformed", () => "yesterday"],
    ["in the future", () => String(Date.now() + HOUR_MS)],
  ])("`ready` reset:true for a cursor %s, with nothing replayed", async (_label, cursor) => {
    const stream = await ready(h.adminKey, cursor());
    try {
      expect(stream.data("key")).toEqual([]);
      expect(stream.data("ready")).toEqual([{ reset: true }]);
    } finally {
      stream.close();
    }
  });

  it("a user session's revocation is never streamed, not even to an operator", async () => {
    const stream = await ready(await operatorKey());
    try {
      const user = await h.db.user.findFirstOrThrow();
      const sessionId = await openSession(h.db, {
        userId: user.id,
        kind: "dashboard",
        ip: null,
        userAgent: null,
        expiresAt: new Date(Date.now() + HOUR_MS),
      });
      expect(await revokeSessions(h.db, user.id, { only: sessionId })).toEqual([sessionId]);
      const fence = await h.keyWithScopes(["vehicles:read"]);
      await revoke(h.adminKey, fence.id);
      await poll();
      await vi.waitFor(() => expect(changedKeys(stream)).toContain(fence.id), WAIT);
      expect(changedKeys(stream)).toEqual([fence.id]);
      expect(stream.text()).not.toContain(sessionId);
      // Logged, and heard by the replica's session cache: just not a key of any company.
      expect((await h.db.keyChange.findFirstOrThrow({ where: { keyId: sessionId } })).companyId).toBeNull();
    } finally {
      stream.close();
    }
  });

  it("the stream ends when the caller's own key is revoked (a company key or an operator key)", async () => {
    const caller = await h.keyWithScopes(["keys:verify"]);
    const stream = await ready(caller.secret);
    await revoke(h.adminKey, caller.id);
    await poll();
    await vi.waitFor(() => expect(stream.ended()).toBe(true), WAIT);

    const { key, secret } = await createOperatorKey(h.db, { name: "doomed", scopes: ["keys:verify"] }, null);
    const operatorStream = await ready(secret);
    await revokeOperatorKey(h.db, key.id);
    await poll();
    await vi.waitFor(() => expect(operatorStream.ended()).toBe(true), WAIT);
  });

  it("429 beyond EVENTS_MAX_STREAMS_PER_COMPANY open streams of one company", async () => {
    // A company of its own: no stream of an earlier test is still being closed.
    const crowded = await h.otherCompany();
    const streams = await Promise.all([1, 2, 3].map(() => ready(crowded.adminKey)));
    try {
      const refused = await h.app.inject({ method: "GET", url: "/v1/keys/changes", headers: bearer(crowded.adminKey) });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers["retry-after"]).toBe("30");
      // Another company's streams are counted apart.
      const theirs = await ready(other.adminKey);
      theirs.close();
    } finally {
      for (const s of streams) s.close();
    }
  });

  it("403 for a key without keys:verify; 401 without a credential", async () => {
    const reader = await h.keyWithScopes(["keys:read"]);
    for (const credential of [reader.secret, h.readOnlyKey]) {
      const res = await h.app.inject({ method: "GET", url: "/v1/keys/changes", headers: bearer(credential) });
      expect(res.statusCode).toBe(403);
      expect(res.json().errors[0]).toMatchObject({ code: "FORBIDDEN", details: { required: ["keys:verify"] } });
    }
    expect((await h.app.inject({ method: "GET", url: "/v1/keys/changes" })).statusCode).toBe(401);
  });
});
