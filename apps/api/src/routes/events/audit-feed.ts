// New audit events of a company, for its open event streams. Audit events are written by every
// replica (and by the dashboard and the CLI), so the database is the one place that sees them all:
// one poller per company with open streams on this replica reads `seq > last` every interval (one
// indexed query, however many streams share it) and hands each stream the events it has not seen.
// Streams pull: one whose client stopped reading is skipped (its events stay in the database, not
// in memory) until it has read what it was sent, then it catches up page by page from its position.

import { type PublicAuditEvent, toPublicAuditEvent } from "@keyward/core";
import type { Db } from "@keyward/db";
import { PeriodicTask } from "@keyward/enforcement";
import type { FastifyBaseLogger } from "fastify";

const PAGE_SIZE = 500;

export interface AuditSubscriber {
  /** Seq of the last event this subscriber has sent; `deliver` advances it. */
  lastSeq: number;
  /** False while its client has not read what it was sent: it is given nothing until it has (then it calls `wake`). */
  readonly ready: boolean;
  /** Sends these events (all newer than lastSeq, in order), stopping early when its buffer is full. */
  deliver(events: PublicAuditEvent[]): void;
  /** Bytes written for its client that the client has not taken yet. */
  bufferedBytes(): number;
  close(): void;
}

interface CompanyChannel {
  subscribers: Set<AuditSubscriber>;
  /** The company's poll: every interval, and at once when a stream wakes it. */
  poll: PeriodicTask;
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

  /** What each open stream of the company holds for its client, in bytes (for tests). */
  bufferedBytes(companyId: string): number[] {
    return [...(this.#channels.get(companyId)?.subscribers ?? [])].map((s) => s.bufferedBytes());
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
      const created: CompanyChannel = {
        subscribers: new Set(),
        poll: new PeriodicTask(() => this.#poll(companyId, created), {
          onError: (err) => this.#log.warn({ err: err.message, companyId }, "audit feed poll failed"),
        }),
      };
      created.poll.start(this.#intervalMs);
      this.#channels.set(companyId, created);
      channel = created;
    }
    channel.subscribers.add(subscriber);
    return () => this.#unsubscribe(companyId, subscriber);
  }

  /** A stream's client has read its buffer: give it what it missed now rather than at the next interval. */
  wake(companyId: string): void {
    void this.#channels.get(companyId)?.poll.runNow();
  }

  /** Ends every stream (on shutdown, so closing the server does not wait for clients to leave). */
  closeAll(): void {
    for (const channel of this.#channels.values()) for (const subscriber of channel.subscribers) subscriber.close();
    for (const channel of this.#channels.values()) void channel.poll.stop();
    this.#channels.clear();
  }

  #unsubscribe(companyId: string, subscriber: AuditSubscriber): void {
    const channel = this.#channels.get(companyId);
    if (!channel?.subscribers.delete(subscriber) || channel.subscribers.size > 0) return;
    void channel.poll.stop();
    this.#channels.delete(companyId);
  }

  async #poll(companyId: string, channel: CompanyChannel): Promise<void> {
    let fullPage: boolean;
    do {
      fullPage = false;
      // Streams at one position share a query: normally every live stream; a resumed or slow one reads its own pages.
      const positions = new Map<number, AuditSubscriber[]>();
      for (const subscriber of channel.subscribers) {
        if (!subscriber.ready) continue;
        const group = positions.get(subscriber.lastSeq);
        if (group) group.push(subscriber);
        else positions.set(subscriber.lastSeq, [subscriber]);
      }
      for (const [from, group] of positions) {
        const rows = await this.#db.auditEvent.findMany({
          where: { companyId, seq: { gt: from } },
          orderBy: { seq: "asc" },
          take: PAGE_SIZE,
        });
        if (rows.length === 0) continue;
        const events = rows.map(toPublicAuditEvent);
        for (const subscriber of group) if (subscriber.ready && subscriber.lastSeq === from) subscriber.deliver(events);
        // A full page: there may be more for the streams that took it all; read on without waiting.
        if (rows.length === PAGE_SIZE) fullPage = true;
      }
    } while (fullPage && !channel.poll.stopped);
  }
}
