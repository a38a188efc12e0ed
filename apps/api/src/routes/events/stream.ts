import { KeywardError } from "@keyward/auth-core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { type ApiContext, companyOf, principalOf } from "../../context";
import type { AuditSubscriber } from "./audit-feed";
import { RETRY_AFTER_SECONDS, SseStream, STREAM_BUFFER_BYTES, stillValid } from "./sse";

export { STREAM_BUFFER_BYTES } from "./sse";
/** A resumed stream replays at most this many events: seqs are contiguous per company, so this is exact. */
export const REPLAY_MAX_EVENTS = 1000;

/** Resume point a reconnecting EventSource sends: the `id` (audit seq) of the last event it got. */
function parseLastEventId(header: string | string[] | undefined): number | null {
  return typeof header === "string" && /^\d{1,9}$/.test(header.trim()) ? Number(header.trim()) : null;
}

/** Where a stream starts: after `Last-Event-ID`, but at most REPLAY_MAX_EVENTS back and never past the newest event. */
function startSeq(lastEventId: number | null, latest: number): number {
  if (lastEventId === null) return latest;
  return Math.min(latest, Math.max(lastEventId, latest - REPLAY_MAX_EVENTS));
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

      let unsubscribe = () => {};
      const sse = new SseStream(request, reply, env, {
        stillValid: () => stillValid(principal, keyStates, memberships, sessions),
        // The client has taken its buffer: the feed may hand this stream more.
        onRead: () => events.wake(companyId),
        onClose: () => unsubscribe(),
      });
      const subscriber: AuditSubscriber = {
        lastSeq,
        get ready() {
          return sse.ready;
        },
        deliver(list) {
          for (const event of list) {
            if (sse.closed || event.seq <= subscriber.lastSeq) continue;
            let room = sse.write(`id: ${event.seq}\nevent: audit\ndata: ${JSON.stringify(event)}\n\n`);
            // A fired alert is also its own event, its data the webhook body (src/alerts; never a secret).
            const alert = event.action === "alert.fired" ? (event.metadata as { alert?: unknown } | null)?.alert : null;
            if (alert) room = sse.write(`id: ${event.seq}\nevent: alert\ndata: ${JSON.stringify(alert)}\n\n`) && room;
            subscriber.lastSeq = event.seq;
            // The rest stays in the database until the client has read this.
            if (!room) return;
          }
        },
        bufferedBytes: () => sse.bufferedBytes(),
        close: () => sse.close(),
      };
      unsubscribe = events.subscribe(companyId, subscriber);

      const answer = sse.send("no-cache, no-transform", "connected");
      if (resumeAfter !== null && resumeAfter < lastSeq) {
        sse.write(`: replay limited to the newest ${REPLAY_MAX_EVENTS} events\n\n`);
      }
      return answer;
    },
  );
};
