// The event stream over a real HTTP connection: fetch reads the body as it arrives, as a browser's
// EventSource would.
import { once } from "node:events";
import { connect } from "node:net";
import { appendAuditEvents } from "@keyward/core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loginUser, testIp, UNAUTHORIZED_BODY } from "../../test/credentials";
import { bearer, type Harness, startHarness } from "../../test/harness";
import { openSse } from "../../test/sse-client";
import { REPLAY_MAX_EVENTS, STREAM_BUFFER_BYTES } from "./stream";

const ENV = {
  EVENTS_POLL_INTERVAL_MS: "100",
  EVENTS_HEARTBEAT_MS: "300",
  EVENTS_MAX_STREAMS_PER_COMPANY: "3",
  EVENTS_STALL_TIMEOUT_MS: "1000",
};

let h: Harness;
let base: string;
const ip = testIp();
beforeAll(async () => {
  h = await startHarness(ENV);
  base = await h.app.listen({ port: 0, host: "127.0.0.1" });
});
afterAll(async () => {
  // Node's fetch pre-opens pool sockets that never carry a request; the server would wait out
  // their 60 s headers timeout on close. Every stream is closed by now, so drop them.
  h.app.server.closeAllConnections();
  await h.close();
});

type AuditEvent = { seq: number; action: string; [k: string]: unknown };

async function open(path: string, headers: Record<string, string> = {}, url = base) {
  const stream = await openSse(`${url}${path}`, headers);
  return { ...stream, audit: () => stream.data<AuditEvent>("audit") };
}

/** How long a stream may take to show what a test waits for, checked every 20 ms. */
const WAIT = { timeout: 3000, interval: 20 };
const waitLong = (timeout: number) => ({ ...WAIT, timeout });

const createKey = (key: string, name: string) =>
  h.app.inject({
    method: "POST",
    url: "/v1/keys",
    headers: bearer(key),
    remoteAddress: ip,
    payload: { name, scopes: ["keys:read"], environment: "live" },
  });

/** Appends `count` audit events to the company at once, each with `padBytes` of metadata; returns the newest seq. */
async function appendEvents(count: number, padBytes = 0): Promise<number> {
  const inputs = Array.from({ length: count }, (_, i) => ({
    companyId: h.companyId,
    actor: { type: "system" as const },
    action: "test.bulk",
    metadata: { i, pad: "x".repeat(padBytes) },
  }));
  await h.db.$transaction((tx) => appendAuditEvents(tx, h.companyId, inputs), { timeout: 30_000 });
  return h.app.keyward.events.latestSeq(h.companyId);
}

const streamsClosed = (companyId = h.companyId) =>
  vi.waitFor(() => expect(h.app.keyward.events.openStreams(companyId)).toBe(0), WAIT);

describe("GET /v1/events/stream", () => {
  it("200: an event-stream of the company's new audit events, live, without any secret; only new ones", async () => {
    const stream = await open("/v1/events/stream", bearer(h.adminKey));
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(stream.headers.get("cache-control")).toBe("no-cache, no-transform");
      await vi.waitFor(() => expect(stream.text()).toContain(": connected"), WAIT);

      const created = await createKey(h.adminKey, "watched");
      expect(created.statusCode).toBe(201);
      await vi.waitFor(() => expect(stream.audit().length).toBeGreaterThan(0), WAIT);
      const [event] = stream.audit();
      expect(event).toMatchObject({ action: "key.created", targetId: created.json().id, actorType: "key" });
      const frame = stream.frames.find((f) => f.event === "audit");
      expect(frame?.id).toBe(String(event?.seq));
      // Setup's events (company.created, key.created × 2) happened before: not replayed.
      expect(stream.audit().some((e) => e.action === "company.created")).toBe(false);
      expect(stream.text()).not.toContain(created.json().key);
      expect(stream.text()).not.toContain(h.adminKey);
    } finally {
      stream.close();
    }
    await streamsClosed();
  });

  it("200 with ?token= (a user JWT or a key), which never reaches the logs", async () => {
    const token = await loginUser(h.app, "owner@acme.test", "correct horse battery", ip);
    for (const credential of [token, h.readOnlyKey]) {
      const stream = await open(`/v1/events/stream?token=${encodeURIComponent(credential)}`);
      try {
        expect(stream.status).toBe(200);
        await createKey(h.adminKey, "seen through ?token=");
        await vi.waitFor(() => expect(stream.audit().map((e) => e.action)).toContain("key.created"), WAIT);
      } finally {
        stream.close();
      }
      await streamsClosed();
      expect(h.logs()).not.toContain(credential);
    }
  });

  it("heartbeats keep an idle stream alive; leaving cleans the subscription up", async () => {
    const stream = await open("/v1/events/stream", bearer(h.adminKey));
    expect(h.app.keyward.events.openStreams(h.companyId)).toBe(1);
    await vi.waitFor(() => expect(stream.frames.map((f) => f.comment)).toContain("heartbeat"), WAIT);
    stream.close();
    await streamsClosed();
  });

  it("resumes after Last-Event-ID: the events since then, in order", async () => {
    const first = await createKey(h.adminKey, "before reconnect 1");
    const seqOf = async (id: string) =>
      (await h.db.auditEvent.findFirstOrThrow({ where: { targetId: id, action: "key.created" } })).seq;
    const after = await seqOf(first.json().id);
    const second = await createKey(h.adminKey, "before reconnect 2");
    const stream = await open("/v1/events/stream", { ...bearer(h.adminKey), "last-event-id": String(after - 1) });
    try {
      await vi.waitFor(() => expect(stream.audit().length).toBeGreaterThanOrEqual(2), WAIT);
      expect(
        stream
          .audit()
          .map((e) => e.targetId)
          .slice(0, 2),
      ).toEqual([first.json().id, second.json().id]);
    } finally {
      stream.close();
    }
    await streamsClosed();
  });

  it("cross-tenant: another company's stream never sees this company's events", async () => {
    const other = await h.otherCompany();
    const theirs = await open("/v1/events/stream", bearer(other.adminKey));
    const mine = await open("/v1/events/stream", bearer(h.adminKey));
    try {
      const created = await createKey(h.adminKey, "not for the other company");
      await vi.waitFor(() => expect(mine.audit().map((e) => e.targetId)).toContain(created.json().id), WAIT);
      const theirKey = await createKey(other.adminKey, "theirs");
      await vi.waitFor(() => expect(theirs.audit().map((e) => e.targetId)).toContain(theirKey.json().id), WAIT);
      expect(theirs.audit().map((e) => e.targetId)).toEqual([theirKey.json().id]);
      expect(theirs.text()).not.toContain(created.json().id);
    } finally {
      theirs.close();
      mine.close();
    }
    await streamsClosed();
    await streamsClosed(other.companyId);
  });

  it("ends when the key that opened it is revoked", async () => {
    const k = await h.keyWithScopes(["audit:read"]);
    const stream = await open("/v1/events/stream", bearer(k.secret));
    expect(stream.status).toBe(200);
    const revokedAt = Date.now();
    await h.app.inject({
      method: "POST",
      url: `/v1/keys/${k.id}/revoke`,
      headers: bearer(h.adminKey),
      remoteAddress: ip,
      payload: {},
    });
    await vi.waitFor(() => expect(stream.ended()).toBe(true), WAIT);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
    await streamsClosed();
  });

  it("401 without a credential or with a bad ?token=", async () => {
    const none = await h.app.inject({ method: "GET", url: "/v1/events/stream", remoteAddress: testIp() });
    expect(none.statusCode).toBe(401);
    expect(none.headers["www-authenticate"]).toBe('Bearer realm="keyward"');
    const bad = await h.app.inject({ method: "GET", url: "/v1/events/stream?token=a.b.c", remoteAddress: testIp() });
    expect(bad.statusCode).toBe(401);
    expect(bad.headers["www-authenticate"]).toBe('Bearer realm="keyward", error="invalid_token"');
    expect(bad.json()).toEqual(UNAUTHORIZED_BODY);
  });

  it("403 for a credential without audit:read, with the usual body", async () => {
    const k = await h.keyWithScopes(["keys:read"]);
    const res = await h.app.inject({ method: "GET", url: `/v1/events/stream?token=${k.secret}`, remoteAddress: ip });
    expect(res.statusCode).toBe(403);
    expect(res.headers["www-authenticate"]).toBe(
      'Bearer realm="keyward", error="insufficient_scope", scope="audit:read"',
    );
    expect(res.json()).toEqual({
      errors: [
        {
          code: "FORBIDDEN",
          message: "Insufficient permissions",
          details: { required: ["audit:read"], available: ["keys:read"] },
        },
      ],
    });
  });

  it("429 over the open streams allowed per company, until one closes", async () => {
    const streams = await Promise.all([1, 2, 3].map(() => open("/v1/events/stream", bearer(h.adminKey))));
    try {
      expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
      const refused = await h.app.inject({
        method: "GET",
        url: "/v1/events/stream",
        headers: bearer(h.adminKey),
        remoteAddress: ip,
      });
      expect(refused.statusCode).toBe(429);
      expect(refused.headers["retry-after"]).toBe("30");
      expect(refused.json().errors[0]).toMatchObject({ code: "RATE_LIMITED", details: { retryAfterSeconds: 30 } });
    } finally {
      streams[0]?.close();
    }
    await vi.waitFor(() => expect(h.app.keyward.events.openStreams(h.companyId)).toBe(2), WAIT);
    const again = await open("/v1/events/stream", bearer(h.adminKey));
    expect(again.status).toBe(200);
    for (const s of [...streams, again]) s.close();
    await streamsClosed();
  });

  it("shutting the server down ends open streams instead of waiting for clients", async () => {
    const server = await startHarness(ENV);
    const url = await server.app.listen({ port: 0, host: "127.0.0.1" });
    const stream = await open("/v1/events/stream", bearer(server.adminKey), url);
    expect(stream.status).toBe(200);
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await vi.waitFor(() => expect(stream.ended()).toBe(true), WAIT);
  });

  describe("slow readers and resuming are bounded", () => {
    it("a reader that stops reading: the server stops writing at its bound, and closes the stream once it stalls", async () => {
      const socket = connect(Number(new URL(base).port), "127.0.0.1");
      await once(socket, "connect");
      let socketClosed = false;
      socket.on("close", () => (socketClosed = true));
      socket.on("error", () => {});
      socket.write(
        `GET /v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n${`Authorization: Bearer ${h.adminKey}`}\r\n\r\n`,
      );
      socket.pause(); // reads nothing from now on: the kernel's buffers fill, then whatever the server holds
      await vi.waitFor(() => expect(h.app.keyward.events.openStreams(h.companyId)).toBe(1), WAIT);

      let most = 0;
      const sampler = setInterval(() => {
        for (const bytes of h.app.keyward.events.bufferedBytes(h.companyId)) most = Math.max(most, bytes);
      }, 2);
      try {
        // Events until the server had to stop writing (the kernel's socket buffers take a few MB first),
        // then 1.6 MB more: without backpressure the server would hold all of that for this one client.
        const pad = 16_000;
        const open = () => h.app.keyward.events.openStreams(h.companyId) === 1;
        const full = () => most >= STREAM_BUFFER_BYTES || !open();
        for (let i = 0; i < 40 && !full(); i++) {
          await appendEvents(50, pad);
          // Lets the feed send them before adding more: saves time, the outcome does not depend on it.
          await vi.waitFor(() => expect(full()).toBe(true), waitLong(1000)).catch(() => {});
        }
        expect(most).toBeGreaterThanOrEqual(STREAM_BUFFER_BYTES);
        // At most the stream's buffer and the socket's own (16 KiB), each overshooting by at most one event.
        const bound = STREAM_BUFFER_BYTES + 16 * 1024 + 2 * (pad + 2000);
        await appendEvents(100, pad);
        // Closed for stalling (EVENTS_STALL_TIMEOUT_MS), without ever holding more than the bound.
        await vi.waitFor(() => expect(most > bound || !open()).toBe(true), waitLong(20_000));
        expect(most).toBeLessThanOrEqual(bound);
        expect(open()).toBe(false);
        // The server cut the connection: reading again, the client gets what the kernel held, then the end.
        socket.resume();
        await vi.waitFor(() => expect(socketClosed).toBe(true), waitLong(20_000));
      } finally {
        clearInterval(sampler);
        socket.destroy();
      }
    }, 60_000);

    it("a reader that keeps reading gets every event of a burst larger than its buffer, in order", async () => {
      const stream = await open("/v1/events/stream", bearer(h.adminKey));
      try {
        await vi.waitFor(() => expect(stream.text()).toContain(": connected"), WAIT);
        const before = await h.app.keyward.events.latestSeq(h.companyId);
        const newest = await appendEvents(600, 2000);
        await vi.waitFor(() => expect(stream.audit().map((e) => e.seq)).toContain(newest), waitLong(30_000));
        const seqs = stream.audit().map((e) => e.seq);
        expect(seqs).toEqual(Array.from({ length: newest - before }, (_, i) => before + 1 + i));
      } finally {
        stream.close();
      }
      await streamsClosed();
    }, 60_000);

    it(`Last-Event-ID: 0 replays at most the newest ${REPLAY_MAX_EVENTS} events, then goes on live`, async () => {
      const newest = await appendEvents(REPLAY_MAX_EVENTS + 100);
      const stream = await open("/v1/events/stream", { ...bearer(h.adminKey), "last-event-id": "0" });
      try {
        await vi.waitFor(
          () => expect(stream.audit().length).toBeGreaterThanOrEqual(REPLAY_MAX_EVENTS),
          waitLong(30_000),
        );
        const live = await appendEvents(1);
        await vi.waitFor(() => expect(stream.audit().map((e) => e.seq)).toContain(live), waitLong(10_000));
        const seqs = stream.audit().map((e) => e.seq);
        expect(seqs).toEqual(
          Array.from({ length: REPLAY_MAX_EVENTS + 1 }, (_, i) => newest - REPLAY_MAX_EVENTS + 1 + i),
        );
        expect(stream.text()).toContain(`: replay limited to the newest ${REPLAY_MAX_EVENTS} events`);
      } finally {
        stream.close();
      }
      await streamsClosed();
    }, 60_000);

    it("a Last-Event-ID beyond the newest event resumes from now", async () => {
      const stream = await open("/v1/events/stream", { ...bearer(h.adminKey), "last-event-id": "999999999" });
      try {
        await vi.waitFor(() => expect(stream.text()).toContain(": connected"), WAIT);
        const created = await createKey(h.adminKey, "after a future Last-Event-ID");
        await vi.waitFor(() => expect(stream.audit().map((e) => e.targetId)).toContain(created.json().id), WAIT);
      } finally {
        stream.close();
      }
      await streamsClosed();
    });
  });
});
