import { PassThrough } from "node:stream";
import { isReached, KeywardError } from "@keyward/auth-core";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { KeyStates } from "../../auth/key-states";
import type { Memberships } from "../../auth/memberships";
import { type ApiContext, companyOf, principalOf } from "../../context";
import type { Principal } from "../../enforcement/authenticate";
import type { AuditSubscriber } from "./audit-feed";

const RECONNECT_MS = 3000;
const RETRY_AFTER_SECONDS = 30;

/** Resume point a reconnecting EventSource sends: the `id` (audit seq) of the last event it got. */
function parseLastEventId(header: string | string[] | undefined): number | null {
  return typeof header === "string" && /^\d{1,9}$/.test(header.trim()) ? Number(header.trim()) : null;
}

/** Whether the credential that opened a stream still holds (checked from memory, every poll interval). */
async function stillValid(principal: Principal, keyStates: KeyStates, memberships: Memberships): Promise<boolean> {
  const now = Date.now();
  if (principal.type !== "key" && principal.expiresAt.getTime() <= now) return false;
  if (principal.type === "user") return memberships.stillMember(principal);
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
 * client leaves, the credential is revoked or expires, or the server shuts down.
 * EventSource cannot send headers, so this route alone also takes `?token=<JWT or key>`.
 */
export const eventsStreamRoute: FastifyPluginAsyncZod<ApiContext> = async (
  app,
  { env, keyStates, memberships, events },
) => {
  app.addHook("preClose", async () => events.closeAll());
  app.get(
    "/v1/events/stream",
    {
      config: { auth: { scopes: ["audit:read"], queryToken: true } },
      schema: {
        tags: ["audit"],
        summary: "Live audit events and fired alerts (server-sent events)",
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
      const lastSeq = parseLastEventId(request.headers["last-event-id"]) ?? (await events.latestSeq(companyId));

      const stream = new PassThrough();
      let lastWrite = 0;
      const write = (text: string) => {
        stream.write(text);
        lastWrite = Date.now();
      };
      let closed = false;
      let unsubscribe = () => {};
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(timer);
        unsubscribe();
        stream.end();
      };
      const subscriber: AuditSubscriber = {
        lastSeq,
        deliver(list) {
          for (const event of list) {
            write(`id: ${event.seq}\nevent: audit\ndata: ${JSON.stringify(event)}\n\n`);
            // A fired alert is also its own event, its data the webhook body (src/alerts; never a secret).
            const alert = event.action === "alert.fired" ? (event.metadata as { alert?: unknown } | null)?.alert : null;
            if (alert) write(`id: ${event.seq}\nevent: alert\ndata: ${JSON.stringify(alert)}\n\n`);
          }
        },
        close,
      };
      const timer = setInterval(
        async () => {
          if (!(await stillValid(principal, keyStates, memberships))) return close();
          if (Date.now() - lastWrite >= env.EVENTS_HEARTBEAT_MS) write(": heartbeat\n\n");
        },
        Math.min(env.EVENTS_POLL_INTERVAL_MS, env.EVENTS_HEARTBEAT_MS),
      );
      timer.unref();
      unsubscribe = events.subscribe(companyId, subscriber);
      reply.raw.on("close", close);

      // The first bytes flush the headers, so the client knows it is connected before any event.
      write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
      return reply
        .header("content-type", "text/event-stream; charset=utf-8")
        .header("cache-control", "no-cache, no-transform")
        .header("x-accel-buffering", "no")
        .send(stream);
    },
  );
};
