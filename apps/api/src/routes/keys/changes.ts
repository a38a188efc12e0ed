import { KeywardError } from "@keyward/auth-core";
import { companyKeyChangesFrom, type LoggedKeyChange } from "@keyward/core";
import { KEY_CHANGE_OVERLAP_MS, KEY_CHANGE_RETENTION_MS } from "@keyward/enforcement";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { type ApiContext, companyOf, principalOf } from "../../context";
import { RETRY_AFTER_SECONDS, SseStream, stillValid } from "../events/sse";

/** A resume that would replay more changes than this answers `reset` instead: the client starts afresh. */
export const REPLAY_MAX_CHANGES = 1000;
// The log is trimmed every few minutes, so a cursor close to the retention edge may have lost rows.
const RESUME_MARGIN_MS = 60_000;
/** A cursor ahead of this replica's clock by more than this is not one it gave (or the clocks disagree). */
const FUTURE_SLACK_MS = 60_000;

/**
 * The `Last-Event-ID` a reconnecting client sends: a change's time in epoch milliseconds. Null when
 * absent, malformed, or outside the window the log can replay from (the client then starts afresh).
 */
export function resumeCursor(header: string | string[] | undefined, now: number): number | null {
  if (typeof header !== "string" || !/^\d{1,15}$/.test(header.trim())) return null;
  const cursor = Number(header.trim());
  const oldest = now - KEY_CHANGE_RETENTION_MS + KEY_CHANGE_OVERLAP_MS + RESUME_MARGIN_MS;
  return cursor >= oldest && cursor <= now + FUTURE_SLACK_MS ? cursor : null;
}

/**
 * `GET /v1/keys/changes`: server-sent events naming each company key that changed (revoked,
 * rotated, updated, its company suspended, resumed or deleted), so a service that caches verdicts
 * (@keyward/sdk) drops them within the feed's poll (100 ms) of the change. A company's credential
 * hears its own keys; an operator key hears every company's. Changes come from this replica's
 * key-change feed (one poll of the log for every stream); the log is read per stream only to replay
 * what a reconnecting client missed. Sessions and operator keys are never streamed.
 */
export const keyChangesRoute: FastifyPluginAsyncZod<ApiContext> = async (
  app,
  { db, env, keyChanges, keyStates, memberships, sessions },
) => {
  /** Open streams by owner (a company, or an operator key), bounded like the audit event streams. */
  const open = new Map<string, Set<SseStream>>();
  app.addHook("preClose", async () => {
    for (const streams of open.values()) for (const stream of streams) stream.close();
  });

  app.get(
    "/v1/keys/changes",
    {
      config: { auth: { scopes: ["keys:verify"], callers: "any" } },
      schema: {
        tags: ["keys"],
        summary: "Key changes, live (server-sent events), for services that cache verdicts",
        description:
          'Each change of a key is `event: key` with `data` `{"keyId","companyId"}` and `id` its time in epoch ' +
          "milliseconds (the cursor). After subscribing, the server sends `event: ready` with `data` " +
          '`{"reset":false}` once it has replayed the changes made since the `Last-Event-ID` cursor (from 10 s ' +
          'before it), or `{"reset":true}` when there is no usable cursor (absent, malformed, older than the log\'s ' +
          "hour): the client then forgets every cached verdict. `ready` carries the newest cursor. A company key " +
          "hears its own company's keys; an operator key every company's. Heartbeat comments every " +
          "EVENTS_HEARTBEAT_MS; the stream ends when the caller's key is revoked or expires, or the client falls " +
          "64 KiB behind (it resumes with `Last-Event-ID`).",
        produces: ["text/event-stream"],
      },
    },
    async (request, reply) => {
      const operator = request.operator;
      // An operator key hears every company; anyone else only their own.
      const companyId = operator ? undefined : companyOf(request);
      const owner = operator ? `operator:${operator.key.id}` : (companyId as string);
      if ((open.get(owner)?.size ?? 0) >= env.EVENTS_MAX_STREAMS_PER_COMPANY) {
        reply.header("Retry-After", RETRY_AFTER_SECONDS);
        throw new KeywardError("RATE_LIMITED", "Too many open key-change streams for this company", {
          retryAfterSeconds: RETRY_AFTER_SECONDS,
        });
      }
      // A stream promises every change within a poll: not while this replica cannot read the log.
      if (!keyChanges.following)
        throw new KeywardError("SERVICE_UNAVAILABLE", "Key changes unavailable, try again shortly");
      const principal = operator ? null : principalOf(request);
      const cursor = resumeCursor(request.headers["last-event-id"], Date.now());

      // Subscribed before the replay is read, so a change committed meanwhile is heard (twice at worst).
      let stream: SseStream | undefined;
      let newest = 0;
      const heard: LoggedKeyChange[] = [];
      let ownKeyChanged = false;
      const unsubscribe = keyChanges.onLogged((change) => {
        // An operator key changes only when it is revoked: its stream ends.
        if (operator && change.keyId === operator.key.id) ownKeyChanged = true;
        if (change.companyId === null || (companyId !== undefined && change.companyId !== companyId)) return;
        if (stream === undefined) heard.push(change);
        // A client that fell behind is cut: it resumes from its last cursor, and nothing piles up here.
        else if (!stream.closed && !send(change)) stream.close();
      });

      let replay: LoggedKeyChange[] | null = null;
      if (cursor !== null) {
        try {
          const from = new Date(cursor - KEY_CHANGE_OVERLAP_MS);
          replay = await companyKeyChangesFrom(db, companyId, from, REPLAY_MAX_CHANGES + 1);
        } catch (error) {
          unsubscribe();
          request.log.error({ err: error }, "key-change replay failed");
          throw new KeywardError("SERVICE_UNAVAILABLE", "Key changes unavailable, try again shortly");
        }
      }
      const reset = replay === null || replay.length > REPLAY_MAX_CHANGES;

      const opened = new SseStream(request, reply, env, {
        stillValid: async () => (principal ? stillValid(principal, keyStates, memberships, sessions) : !ownKeyChanged),
        onClose: () => {
          unsubscribe();
          open.get(owner)?.delete(opened);
          if (open.get(owner)?.size === 0) open.delete(owner);
        },
      });
      stream = opened;
      open.set(owner, (open.get(owner) ?? new Set()).add(opened));
      function send(change: LoggedKeyChange): boolean {
        const at = change.createdAt.getTime();
        newest = Math.max(newest, at);
        const data = JSON.stringify({ keyId: change.keyId, companyId: change.companyId });
        return opened.write(`id: ${at}\nevent: key\ndata: ${data}\n\n`);
      }

      const answer = opened.send("no-store", "connected");
      // Bounded by REPLAY_MAX_CHANGES (and the moments the replay took), so written whatever the client reads.
      if (!reset) for (const change of replay ?? []) send(change);
      for (const change of heard) send(change);
      const readyAt = Math.max(newest, Date.now());
      opened.write(`id: ${readyAt}\nevent: ready\ndata: ${JSON.stringify({ reset })}\n\n`);
      return answer;
    },
  );
};
