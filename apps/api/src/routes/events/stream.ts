import { Readable } from "node:stream";
import { isReached, KeywardError } from "@keyward/auth-core";
import { type KeyStates, PeriodicTask } from "@keyward/enforcement";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Principal } from "../../auth/authenticate";
import type { Memberships } from "../../auth/memberships";
import type { Sessions } from "../../auth/sessions";
import { type ApiContext, companyOf, principalOf } from "../../context";
import type { AuditSubscriber } from "./audit-feed";

const RECONNECT_MS = 3000;
const RETRY_AFTER_SECONDS = 30;
/** A resumed stream replays at most this many events: seqs are contiguous per company, so this is exact. */
export const REPLAY_MAX_EVENTS = 1000;
/** Bytes the server holds for one client before it stops writing (plus at most one event, and the socket's own buffer). */
export const STREAM_BUFFER_BYTES = 64 * 1024;

/** Resume point a reconnecting EventSource sends: the `id` (audit seq) of the last event it got. */
function parseLastEventId(header: string | string[] | undefined): number | null {
  return typeof header === "string" && /^\d{1,9}$/.test(header.trim()) ? Number(header.trim()) : null;
}

/** Where a stream starts: after `Last-Event-ID`, but at most REPLAY_MAX_EVENTS back and never past the newest event. */
function startSeq(lastEventId: number | null, latest: number): number {
  if (lastEventId === null) return latest;
  return Math.min(latest, Math.max(lastEventId, latest - REPLAY_MAX_EVENTS));
}

/** Whether the credential that opened a stream still holds (checked from memory, every poll interval). */
async function stillValid(
  principal: Principal,
  keyStates: KeyStates,
  memberships: Memberships,
  sessions: Sessions,
): Promise<boolean> {
  const now = Date.now();
  if (principal.type !== "key" && principal.expiresAt.getTime() <= now) return false;
  if (principal.type === "user") {
    // A database error keeps the stream, like a membership check: the next check decides.
    const { sessionId, userId } = principal;
    if (sessionId !== null && !(await sessions.live(sessionId, userId).catch(() => true))) return false;
    return memberships.stillMember(principal);
  }
  try {
    const known = await keyStates.get(principal.type === "key" ? principal.key.id : principal.keyId);
    if (known === null) return false;
    const { revokedAt, expiresAt, graceEndsAt } = known.key;
    return revokedAt === null && !isReached(expiresAt, now) && !isReached(graceEndsAt, now);
  } catch {
    return true; // A database blip must not cut every stream; the next check decides.
  }
}

/**
 * `GET /v1/events/stream`: server-sent events of the caller's company, live: `event: audit`, `id`
 * the event's seq (so EventSource resumes with Last-Event-ID), data the event as
 * `GET /v1/audit-events` shows it (audit events never hold a secret). A comment line every
 * EVENTS_HEARTBEAT_MS keeps proxies from closing an idle stream. The stream ends when the
 * client leaves, the credential is revoked or expires, the client stops reading for
 * EVENTS_STALL_TIMEOUT_MS, or the server shuts down.
 * EventSource cannot send headers, so this route alone also takes `?token=<JWT or key>`.
 */
export const eventsStreamRoute: FastifyPluginAsyncZod<ApiContext> = async (
  app,
  { env, keyStates, memberships, sessions, events },
) => {
  app.addHook("preClose", async () => events.closeAll());
  app.get(
    "/v1/events/stream",
    {
      config: { auth: { scopes: ["audit:read"], queryToken: true } },
      schema: {
        tags: ["audit"],
        summary: "Live audit events and fired alerts (server-sent events)",
        description:
          "Each audit event is sent as `event: audit` with `id` its seq; a fired alert also as `event: alert`. " +
          `A reconnecting client sends \`Last-Event-ID\` and gets the events after it, at most the newest ${REPLAY_MAX_EVENTS} ` +
          "(a comment line says when older ones were skipped). The server stops writing to a client that does not " +
          `read once ${STREAM_BUFFER_BYTES / 1024} KiB wait for it, and closes the stream when the client has not read ` +
          "for EVENTS_STALL_TIMEOUT_MS (30 s by default); it can reconnect with `Last-Event-ID`.",
        querystring: z.object({ token: z.string().optional().describe("A JWT or key, for EventSource clients") }),
        produces: ["text/event-stream"],
      },
    },
    async (request, reply) => {
      const companyId = companyOf(request);
      if (events.openStreams(companyId) >= env.EVENTS_MAX_STREAMS_PER_COMPANY) {
        reply.header("Retry-After", RETRY_AFTER_SECONDS);
        throw new KeywardError("RATE_LIMITED", "Too many open event streams for this company", {
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        });
      }
      const principal = principalOf(request);
      const resumeAfter = parseLastEventId(request.headers["last-event-id"]);
      const latest = await events.latestSeq(companyId);
      const lastSeq = startSeq(resumeAfter, latest);

      // Written only while the client keeps up: `push` says when STREAM_BUFFER_BYTES wait for it, and
      // `read` is called once it has taken them, which is when the feed may hand this stream more.
      let full = false;
      let fullSince = 0;
      const stream = new Readable({
        highWaterMark: STREAM_BUFFER_BYTES,
        read() {
          if (!full) return;
          full = false;
          events.wake(companyId);
        },
      });
      let lastWrite = 0;
      let closed = false;
      const write = (text: string): boolean => {
        lastWrite = Date.now();
        if (stream.push(text)) return true;
        if (!full) fullSince = lastWrite;
        full = true;
        return false;
      };
      let unsubscribe = () => {};
      const close = () => {
        if (closed) return;
        closed = true;
        // Not awaited: the check itself may be what closes the stream.
        void check.stop();
        unsubscribe();
        // A client that reads gets the end of the stream; one that stopped reading never would: cut it.
        if (full) reply.raw.destroy();
        else stream.push(null);
      };
      const subscriber: AuditSubscriber = {
        lastSeq,
        get ready() {
          return !full && !closed;
        },
        deliver(list) {
          for (const event of list) {
            if (closed || event.seq <= subscriber.lastSeq) continue;
            let room = write(`id: ${event.seq}\nevent: audit\ndata: ${JSON.stringify(event)}\n\n`);
            // A fired alert is also its own event, its data the webhook body (src/alerts; never a secret).
            const alert = event.action === "alert.fired" ? (event.metadata as { alert?: unknown } | null)?.alert : null;
            if (alert) room = write(`id: ${event.seq}\nevent: alert\ndata: ${JSON.stringify(alert)}\n\n`) && room;
            subscriber.lastSeq = event.seq;
            // The rest stays in the database until the client has read this.
            if (!room) return;
          }
        },
        bufferedBytes: () => stream.readableLength + reply.raw.writableLength,
        close,
      };
      const check = new PeriodicTask(
        async () => {
          if (full && Date.now() - fullSince >= env.EVENTS_STALL_TIMEOUT_MS) return close();
          if (!(await stillValid(principal, keyStates, memberships, sessions))) return close();
          if (!full && Date.now() - lastWrite >= env.EVENTS_HEARTBEAT_MS) write(": heartbeat\n\n");
        },
        { onError: (err) => request.log.warn({ err: err.message }, "event stream check failed") },
      );
      check.start(Math.min(env.EVENTS_POLL_INTERVAL_MS, env.EVENTS_HEARTBEAT_MS, env.EVENTS_STALL_TIMEOUT_MS));
      unsubscribe = events.subscribe(companyId, subscriber);
      reply.raw.on("close", close);

      // The first bytes flush the headers, so the client knows it is connected before any event.
      write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
      if (resumeAfter !== null && resumeAfter < lastSeq) {
        write(`: replay limited to the newest ${REPLAY_MAX_EVENTS} events\n\n`);
      }
      return reply
        .header("content-type", "text/event-stream; charset=utf-8")
        .header("cache-control", "no-cache, no-transform")
        .header("x-accel-buffering", "no")
        .send(stream);
    },
  );
};
