// New audit events of a company, for its open event streams. Audit events are written by every
// replica (and by the dashboard and the CLI), so the database is the one place that sees them all:
// one poller per company with open streams on this replica reads `seq > last` every interval (one
// indexed query, however many streams share it) and hands each stream the events it has not seen.
import { type Db, type PublicAuditEvent, toPublicAuditEvent } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";

const PAGE_SIZE = 500;

export interface AuditSubscriber {
  /** Seq of the last event this subscriber was sent. */
  lastSeq: number;
  deliver(events: PublicAuditEvent[]): void;
  close(): void;
}

interface CompanyChannel {
  subscribers: Set<AuditSubscriber>;
  timer: NodeJS.Timeout;
  polling: boolean;
}

export class AuditFeed {
  readonly #db: Db;
  readonly #log: FastifyBaseLogger;
  readonly #intervalMs: number;
  readonly #channels = new Map<string, CompanyChannel>();

  constructor(opts: { db: Db; log: FastifyBaseLogger; pollIntervalMs: number }) {
    this.#db = opts.db;
    this.#log = opts.log;
    this.#intervalMs = opts.pollIntervalMs;
  }

  openStreams(companyId: string): number {
    return this.#channels.get(companyId)?.subscribers.size ?? 0;
  }

  /** The seq of the company's newest event (0 for none): a new stream starts after it. */
  async latestSeq(companyId: string): Promise<number> {
    const last = await this.#db.auditEvent.findFirst({
      where: { companyId },
      orderBy: { seq: "desc" },
      select: { seq: true },
    });
    return last?.seq ?? 0;
  }

  subscribe(companyId: string, subscriber: AuditSubscriber): () => void {
    let channel = this.#channels.get(companyId);
    if (channel === undefined) {
      const timer = setInterval(() => void this.#poll(companyId), this.#intervalMs);
      timer.unref();
      channel = { subscribers: new Set(), timer, polling: false };
      this.#channels.set(companyId, channel);
    }
    channel.subscribers.add(subscriber);
    return () => this.#unsubscribe(companyId, subscriber);
  }

  /** Ends every stream (on shutdown, so closing the server does not wait for clients to leave). */
  closeAll(): void {
    for (const channel of this.#channels.values()) for (const subscriber of channel.subscribers) subscriber.close();
    for (const channel of this.#channels.values()) clearInterval(channel.timer);
    this.#channels.clear();
  }

  #unsubscribe(companyId: string, subscriber: AuditSubscriber): void {
    const channel = this.#channels.get(companyId);
    if (!channel?.subscribers.delete(subscriber) || channel.subscribers.size > 0) return;
    clearInterval(channel.timer);
    this.#channels.delete(companyId);
  }

  async #poll(companyId: string): Promise<void> {
    const channel = this.#channels.get(companyId);
    if (channel === undefined || channel.polling) return;
    channel.polling = true;
    try {
      // Normally every subscriber is at the same seq; a resumed stream (Last-Event-ID) catches up page by page.
      let from = Number.POSITIVE_INFINITY;
      for (const s of channel.subscribers) from = Math.min(from, s.lastSeq);
      if (!Number.isFinite(from)) return;
      const rows = await this.#db.auditEvent.findMany({
        where: { companyId, seq: { gt: from } },
        orderBy: { seq: "asc" },
        take: PAGE_SIZE,
      });
      if (rows.length === 0) return;
      const events = rows.map(toPublicAuditEvent);
      for (const subscriber of channel.subscribers) {
        const unseen = events.filter((e) => e.seq > subscriber.lastSeq);
        if (unseen.length === 0) continue;
        subscriber.lastSeq = unseen[unseen.length - 1]?.seq ?? subscriber.lastSeq;
        subscriber.deliver(unseen);
      }
    } catch (err) {
      this.#log.warn({ err: (err as Error).message, companyId }, "audit feed poll failed");
    } finally {
      channel.polling = false;
    }
  }
}
