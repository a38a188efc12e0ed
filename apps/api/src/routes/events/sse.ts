// What every server-sent events route shares: a bounded buffer per client, heartbeat comments, and
// one periodic check that ends the stream when its client stops reading or its credential stops
// holding (revoked, expired, signed out, removed). The audit event stream and the key-change stream
// differ only in what they write.
import { Readable } from "node:stream";
import { isReached } from "@keyward/auth-core";
import { type KeyStates, PeriodicTask } from "@keyward/enforcement";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Principal } from "../../auth/authenticate";
import type { Memberships } from "../../auth/memberships";
import type { Sessions } from "../../auth/sessions";
import type { Env } from "../../env";

const RECONNECT_MS = 3000;
/** Seconds a client refused for too many open streams is told to wait. */
export const RETRY_AFTER_SECONDS = 30;
/** Bytes the server holds for one client before it stops writing (plus at most one event, and the socket's own buffer). */
export const STREAM_BUFFER_BYTES = 64 * 1024;

/** Whether the credential that opened a stream still holds (checked from memory, every poll interval). */
export async function stillValid(
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
 * One client's stream. Written only while the client keeps up: `write` says when STREAM_BUFFER_BYTES
 * wait for it, and `onRead` is called once it has taken them. A comment line every EVENTS_HEARTBEAT_MS
 * keeps proxies from closing an idle stream; a client that leaves its buffer unread for
 * EVENTS_STALL_TIMEOUT_MS, or whose credential stops holding, is closed.
 */
export class SseStream {
  readonly #readable: Readable;
  readonly #reply: FastifyReply;
  readonly #check: PeriodicTask;
  readonly #onClose: () => void;
  #full = false;
  #fullSince = 0;
  #lastWrite = 0;
  #closed = false;

  constructor(
    request: FastifyRequest,
    reply: FastifyReply,
    env: Env,
    opts: {
      /** Whether the caller's credential still holds (stillValid, for a company's caller). */
      stillValid: () => Promise<boolean>;
      /** The client has taken what it was sent: more may be written. */
      onRead?: () => void;
      onClose: () => void;
    },
  ) {
    this.#reply = reply;
    this.#onClose = opts.onClose;
    this.#readable = new Readable({
      highWaterMark: STREAM_BUFFER_BYTES,
      read: () => {
        if (!this.#full) return;
        this.#full = false;
        opts.onRead?.();
      },
    });
    this.#check = new PeriodicTask(
      async () => {
        if (this.#full && Date.now() - this.#fullSince >= env.EVENTS_STALL_TIMEOUT_MS) return this.close();
        if (!(await opts.stillValid())) return this.close();
        if (!this.#full && Date.now() - this.#lastWrite >= env.EVENTS_HEARTBEAT_MS) this.write(": heartbeat\n\n");
      },
      { onError: (err) => request.log.warn({ err: err.message }, "event stream check failed") },
    );
    this.#check.start(Math.min(env.EVENTS_POLL_INTERVAL_MS, env.EVENTS_HEARTBEAT_MS, env.EVENTS_STALL_TIMEOUT_MS));
    reply.raw.on("close", () => this.close());
  }

  /** Whether more may be written now: open, and the client has taken what it was sent. */
  get ready(): boolean {
    return !this.#full && !this.#closed;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Queues `text` for the client; false once its buffer is full (the text is still sent). */
  write(text: string): boolean {
    this.#lastWrite = Date.now();
    if (this.#readable.push(text)) return true;
    if (!this.#full) this.#fullSince = this.#lastWrite;
    this.#full = true;
    return false;
  }

  /** Bytes written for the client that it has not taken yet. */
  bufferedBytes(): number {
    return this.#readable.readableLength + this.#reply.raw.writableLength;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    // Not awaited: the check itself may be what closes the stream.
    void this.#check.stop();
    this.#onClose();
    // A client that reads gets the end of the stream; one that stopped reading never would: cut it.
    if (this.#full) this.#reply.raw.destroy();
    else this.#readable.push(null);
  }

  /** Answers the request with the stream; its first bytes flush the headers, so the client knows it is connected. */
  send(cacheControl: string, firstComment: string): FastifyReply {
    this.write(`retry: ${RECONNECT_MS}\n: ${firstComment}\n\n`);
    return this.#reply
      .header("content-type", "text/event-stream; charset=utf-8")
      .header("cache-control", cacheControl)
      .header("x-accel-buffering", "no")
      .send(this.#readable);
  }
}
