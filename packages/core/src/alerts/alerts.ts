// Alerts (SPEC §6): rules, the once-only firing of an incident, the counters replicas share, the
// IPs each watched key was seen from, and the delivery attempts of every fired alert.
//
// Once per incident, across replicas: firing starts with an atomic claim on (rule, subject) in
// `alert_incidents` (INSERT … ON CONFLICT DO UPDATE … WHERE the cooldown has passed RETURNING), in
// the same transaction as the alert row, its delivery rows and its `alert.fired` audit event. A
// concurrent claim waits for the row lock and then sees the new time, so exactly one wins; PGlite
// runs one statement at a time, so the same statement serialises there too (no advisory locks).
//
// Webhook secrets are sealed by the caller's SecretBox (KEYWARD_ENCRYPTION_KEY) before they reach
// a row, and no read here ever returns one: a rule shows `secret: null, secretSet: true`.
import { fingerprintOf, KeywardError } from "@keyward/auth-core";
import type { AlertDelivery, AlertRule, Db, Prisma } from "@keyward/db";
import { type Actor, appendAuditEvent, type Tx } from "../audit/append";
import type { SecretBox } from "../secret-box";
import {
  type AlertChannelInput,
  type AlertKindName,
  COUNTING_KINDS,
  type CreateAlertRuleInput,
  type ListAlertRulesQuery,
  type ListAlertsQuery,
  ruleShapeIssues,
  type UpdateAlertRuleInput,
} from "./schemas";

/** The purpose a webhook secret is sealed for: binds it to its company, so rows cannot be swapped across tenants. */
export const webhookSecretPurpose = (companyId: string) => `alert-webhook-secret:${companyId}`;

/** A channel as stored in `alert_rules.channels`. */
export type StoredChannel = { type: "webhook"; url: string; secretEnc: string } | { type: "email"; to: string[] };

/** A channel as the API and the dashboard show it: the webhook secret is write-only. */
export type PublicChannel =
  | { type: "webhook"; url: string; secret: null; secretSet: boolean }
  | { type: "email"; to: string[] };

export interface PublicAlertRule {
  id: string;
  name: string;
  kind: AlertKindName;
  threshold: number | null;
  windowSeconds: number | null;
  days: number | null;
  keyId: string | null;
  environment: "live" | "test" | null;
  cooldownSeconds: number;
  enabled: boolean;
  channels: PublicChannel[];
  lastFiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function storedChannels(row: Pick<AlertRule, "channels">): StoredChannel[] {
  return Array.isArray(row.channels) ? (row.channels as unknown as StoredChannel[]) : [];
}

export function toPublicAlertRule(row: AlertRule): PublicAlertRule {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    threshold: row.threshold,
    windowSeconds: row.windowSeconds,
    days: row.days,
    keyId: row.keyId,
    environment: row.environment,
    cooldownSeconds: row.cooldownSeconds,
    enabled: row.enabled,
    channels: storedChannels(row).map((c) =>
      c.type === "webhook"
        ? { type: "webhook", url: c.url, secret: null, secretSet: Boolean(c.secretEnc) }
        : { type: "email", to: c.to },
    ),
    lastFiredAt: iso(row.lastFiredAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function invalid(path: (string | number)[], message: string): KeywardError {
  return new KeywardError("VALIDATION_FAILED", message, { issues: [{ path, message, code: "custom" }] });
}

/** Seals new webhook secrets; a webhook sent without one keeps the secret of the existing channel with its URL. */
function sealChannels(
  channels: AlertChannelInput[],
  companyId: string,
  box: SecretBox,
  existing: StoredChannel[] = [],
): StoredChannel[] {
  return channels.map((channel, i) => {
    if (channel.type === "email") return { type: "email", to: [...new Set(channel.to.map((t) => t.toLowerCase()))] };
    if (channel.secret)
      return {
        type: "webhook",
        url: channel.url,
        secretEnc: box.seal(channel.secret, webhookSecretPurpose(companyId)),
      };
    const kept = existing.find((c) => c.type === "webhook" && c.url === channel.url);
    if (kept?.type !== "webhook") throw invalid(["channels", i, "secret"], "A webhook needs a secret");
    return kept;
  });
}

/** Fields that do not apply to a kind are stored as null, so a rule never carries a misleading value. */
function applicableFields(rule: {
  kind: AlertKindName;
  threshold?: number | null;
  windowSeconds?: number | null;
  days?: number | null;
}) {
  const counting = COUNTING_KINDS.includes(rule.kind);
  return {
    threshold: counting ? (rule.threshold ?? null) : null,
    windowSeconds: counting ? (rule.windowSeconds ?? null) : null,
    days: rule.kind === "expiring" ? (rule.days ?? null) : null,
  };
}

async function assertOwnKey(tx: Tx, companyId: string, keyId: string | null | undefined): Promise<void> {
  if (!keyId) return;
  const key = await tx.apiKey.findFirst({ where: { id: keyId, companyId }, select: { id: true } });
  if (!key) throw invalid(["keyId"], "No key with this id in your company");
}

export async function createAlertRule(
  db: Db,
  companyId: string,
  input: CreateAlertRuleInput,
  actor: Actor,
  box: SecretBox,
): Promise<PublicAlertRule> {
  return db.$transaction(async (tx) => {
    await assertOwnKey(tx, companyId, input.keyId);
    const row = await tx.alertRule.create({
      data: {
        companyId,
        name: input.name,
        kind: input.kind,
        ...applicableFields(input),
        keyId: input.keyId ?? null,
        environment: input.environment ?? null,
        cooldownSeconds: input.cooldownSeconds,
        enabled: input.enabled,
        channels: sealChannels(input.channels, companyId, box) as unknown as Prisma.InputJsonValue,
      },
    });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "alert_rule.created",
      targetType: "alert_rule",
      targetId: row.id,
      metadata: { name: row.name, kind: row.kind, enabled: row.enabled },
    });
    return toPublicAlertRule(row);
  });
}

export async function listAlertRules(
  db: Db,
  companyId: string,
  query: ListAlertRulesQuery,
): Promise<{ data: PublicAlertRule[]; nextCursor: string | null }> {
  const rows = await db.alertRule.findMany({
    where: { companyId, ...(query.cursor ? { id: { lt: query.cursor } } : {}) },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map(toPublicAlertRule),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

async function findOwnRule(tx: Tx | Db, companyId: string, id: string): Promise<AlertRule> {
  const row = await tx.alertRule.findFirst({ where: { id, companyId } });
  if (!row) throw new KeywardError("NOT_FOUND", "Alert rule not found");
  return row;
}

export async function getAlertRule(db: Db, companyId: string, id: string): Promise<PublicAlertRule> {
  return toPublicAlertRule(await findOwnRule(db, companyId, id));
}

export async function updateAlertRule(
  db: Db,
  companyId: string,
  id: string,
  input: UpdateAlertRuleInput,
  actor: Actor,
  box: SecretBox,
): Promise<PublicAlertRule> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM alert_rules WHERE id = ${id}::uuid AND company_id = ${companyId}::uuid FOR UPDATE`;
    const before = await findOwnRule(tx, companyId, id);
    const merged = {
      kind: input.kind ?? before.kind,
      threshold: input.threshold !== undefined ? input.threshold : before.threshold,
      windowSeconds: input.windowSeconds !== undefined ? input.windowSeconds : before.windowSeconds,
      days: input.days !== undefined ? input.days : before.days,
    };
    const issues = ruleShapeIssues(merged).map((issue) => ({ ...issue, code: "custom" }));
    if (issues.length > 0) throw new KeywardError("VALIDATION_FAILED", "Validation failed", { issues });
    if (input.keyId !== undefined) await assertOwnKey(tx, companyId, input.keyId);

    const data: Prisma.AlertRuleUpdateInput = { ...applicableFields(merged), kind: merged.kind };
    if (input.name !== undefined) data.name = input.name;
    if (input.keyId !== undefined) data.keyId = input.keyId;
    if (input.environment !== undefined) data.environment = input.environment;
    if (input.cooldownSeconds !== undefined) data.cooldownSeconds = input.cooldownSeconds;
    if (input.enabled !== undefined) data.enabled = input.enabled;
    if (input.channels !== undefined)
      data.channels = sealChannels(
        input.channels,
        companyId,
        box,
        storedChannels(before),
      ) as unknown as Prisma.InputJsonValue;
    const row = await tx.alertRule.update({ where: { id }, data });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "alert_rule.updated",
      targetType: "alert_rule",
      targetId: id,
      // Field names only: values may be addresses, and channel secrets must never reach the log.
      metadata: { name: row.name, changed: Object.keys(input).sort() },
    });
    return toPublicAlertRule(row);
  });
}

export async function deleteAlertRule(db: Db, companyId: string, id: string, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await findOwnRule(tx, companyId, id);
    await tx.alertRule.delete({ where: { id } });
    await appendAuditEvent(tx, {
      companyId,
      actor,
      action: "alert_rule.deleted",
      targetType: "alert_rule",
      targetId: id,
      metadata: { name: row.name, kind: row.kind },
    });
  });
}

/** What the detector needs of an enabled rule, kept in memory by every replica. */
export interface ActiveAlertRule {
  id: string;
  companyId: string;
  kind: AlertKindName;
  threshold: number | null;
  windowSeconds: number | null;
  days: number | null;
  keyId: string | null;
  environment: "live" | "test" | null;
  cooldownSeconds: number;
}

export async function loadEnabledAlertRules(db: Db): Promise<ActiveAlertRule[]> {
  return db.alertRule.findMany({
    where: { enabled: true },
    select: {
      id: true,
      companyId: true,
      kind: true,
      threshold: true,
      windowSeconds: true,
      days: true,
      keyId: true,
      environment: true,
      cooldownSeconds: true,
    },
    orderBy: { id: "asc" },
  });
}

// ---------------------------------------------------------------------------------------------
// Firing

/** The body of every alert's webhook, and what the dashboard and `GET /v1/alerts` show. Never a secret. */
export interface AlertPayload {
  id: string;
  type: "alert.fired";
  test: boolean;
  firedAt: string;
  summary: string;
  company: { id: string };
  rule: {
    id: string;
    name: string;
    kind: AlertKindName;
    threshold: number | null;
    windowSeconds: number | null;
    days: number | null;
    environment: "live" | "test" | null;
    cooldownSeconds: number;
  };
  key: { id: string; fingerprint: string; name: string; environment: "live" | "test" } | null;
  count: number;
  window: { start: string; end: string; seconds: number };
  ip?: string;
  expiresAt?: string;
}

export interface FireAlertInput {
  ruleId: string;
  /** What the incident is about: `company`, or a key id. One alert per subject per cooldown. */
  subject: string;
  keyId: string | null;
  count: number;
  windowStart: Date;
  windowEnd: Date;
  ip?: string;
  expiresAt?: Date;
  /** A test alert (the dashboard's button): no claim, no cooldown. */
  test?: boolean;
}

export interface FiredAlert {
  id: string;
  companyId: string;
  payload: AlertPayload;
}

function summarise(
  kind: AlertKindName,
  input: FireAlertInput,
  keyName: string | null,
  threshold: number | null,
): string {
  const who = keyName ? `key "${keyName}"` : "your keys";
  const seconds = Math.round((input.windowEnd.getTime() - input.windowStart.getTime()) / 1000);
  switch (kind) {
    case "request_spike":
      return `${input.count} requests in ${seconds} s from ${who} (threshold ${threshold})`;
    case "auth_failures":
      return `${input.count} refused requests in ${seconds} s from ${who} (threshold ${threshold})`;
    case "rate_limited":
      return `${who} hit its rate limit ${input.count} times in ${seconds} s (threshold ${threshold})`;
    case "new_ip":
      return `${who} was used from a new IP address ${input.ip ?? ""}`.trim();
    case "expiring":
      return `${who} expires at ${input.expiresAt?.toISOString() ?? "soon"}`;
  }
}

/**
 * Fires an alert when the rule is enabled and its (rule, subject) is out of cooldown: the claim,
 * the alert, one pending delivery per channel and the audit event commit together, or nothing does.
 * Returns null when another replica (or an earlier call) already fired for this incident.
 */
export async function fireAlert(db: Db, input: FireAlertInput): Promise<FiredAlert | null> {
  return db.$transaction(async (tx) => {
    const rule = await tx.alertRule.findUnique({ where: { id: input.ruleId } });
    if (!rule || (!rule.enabled && !input.test)) return null;
    if (!input.test) {
      const claimed = await tx.$queryRaw<{ rule_id: string }[]>`
        INSERT INTO alert_incidents (rule_id, subject, last_fired_at)
        VALUES (${rule.id}::uuid, ${input.subject}, now())
        ON CONFLICT (rule_id, subject) DO UPDATE SET last_fired_at = EXCLUDED.last_fired_at
        WHERE alert_incidents.last_fired_at <= EXCLUDED.last_fired_at - make_interval(secs => ${rule.cooldownSeconds})
        RETURNING rule_id`;
      if (claimed.length === 0) return null;
    }
    const key = input.keyId
      ? await tx.apiKey.findUnique({
          where: { id: input.keyId },
          select: { id: true, name: true, hash: true, environment: true },
        })
      : null;
    const firedAt = new Date();
    const payloadWithoutId: Omit<AlertPayload, "id"> = {
      type: "alert.fired",
      test: input.test === true,
      firedAt: firedAt.toISOString(),
      summary: `${input.test ? "[test] " : ""}${rule.name}: ${summarise(rule.kind, input, key?.name ?? null, rule.threshold)}`,
      company: { id: rule.companyId },
      rule: {
        id: rule.id,
        name: rule.name,
        kind: rule.kind,
        threshold: rule.threshold,
        windowSeconds: rule.windowSeconds,
        days: rule.days,
        environment: rule.environment,
        cooldownSeconds: rule.cooldownSeconds,
      },
      key: key
        ? { id: key.id, fingerprint: fingerprintOf(key.hash), name: key.name, environment: key.environment }
        : null,
      count: input.count,
      window: {
        start: input.windowStart.toISOString(),
        end: input.windowEnd.toISOString(),
        seconds: Math.round((input.windowEnd.getTime() - input.windowStart.getTime()) / 1000),
      },
      ...(input.ip !== undefined ? { ip: input.ip } : {}),
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt.toISOString() } : {}),
    };
    const created = await tx.alert.create({
      data: {
        companyId: rule.companyId,
        ruleId: rule.id,
        keyId: key?.id ?? null,
        count: input.count,
        windowStart: input.windowStart,
        windowEnd: input.windowEnd,
        payload: {},
        firedAt,
      },
      select: { id: true },
    });
    // The id is part of the body receivers see, so it is written once the row has one.
    const payload: AlertPayload = { id: created.id, ...payloadWithoutId };
    await tx.alert.update({
      where: { id: created.id },
      data: { payload: payload as unknown as Prisma.InputJsonValue },
    });
    if (!input.test) await tx.alertRule.update({ where: { id: rule.id }, data: { lastFiredAt: firedAt } });
    const deliveries = storedChannels(rule).map((c) => ({
      alertId: created.id,
      channelType: c.type,
      target: c.type === "webhook" ? c.url : c.to.join(", "),
      attempt: 1,
      status: "pending",
      attemptedAt: firedAt,
      nextAttemptAt: firedAt,
    }));
    if (deliveries.length > 0) await tx.alertDelivery.createMany({ data: deliveries });
    await appendAuditEvent(tx, {
      companyId: rule.companyId,
      actor: { type: "system" },
      action: "alert.fired",
      targetType: "alert",
      targetId: created.id,
      ...(key ? { keyId: key.id, fingerprint: fingerprintOf(key.hash) } : {}),
      metadata: { alert: payload },
    });
    return { id: created.id, companyId: rule.companyId, payload };
  });
}

// ---------------------------------------------------------------------------------------------
// Counters shared by replicas

export interface AlertCount {
  ruleId: string;
  subject: string;
  /** Unix seconds at the start of the bucket. */
  bucket: number;
  count: number;
}

/**
 * Adds one replica's counts in one statement. Counts of rules deleted since they were counted are
 * dropped here: the join keeps only rules that exist, and FOR KEY SHARE holds them until the insert
 * is done (a concurrent delete waits, or has committed and the row is skipped), so one deleted rule
 * can never make the foreign key refuse the whole batch.
 */
export async function addAlertCounts(db: Db, counts: readonly AlertCount[]): Promise<void> {
  if (counts.length === 0) return;
  await db.$executeRaw`
    INSERT INTO alert_counters (rule_id, subject, bucket, count)
    SELECT c.rule_id, c.subject, c.bucket, c.count
    FROM unnest(${counts.map((c) => c.ruleId)}::uuid[], ${counts.map((c) => c.subject)}::text[],
                ${counts.map((c) => c.bucket)}::bigint[], ${counts.map((c) => c.count)}::int[])
           AS c(rule_id, subject, bucket, count)
    JOIN alert_rules r ON r.id = c.rule_id
    FOR KEY SHARE OF r
    ON CONFLICT (rule_id, subject, bucket) DO UPDATE SET count = alert_counters.count + EXCLUDED.count`;
}

/**
 * The count of each (rule, subject) from `fromBucket` on, over every replica, leaving out buckets
 * that began before the subject's last alert: a new incident needs new events after the last one.
 */
export async function sumAlertCounts(
  db: Db,
  queries: readonly { ruleId: string; subject: string; fromBucket: number }[],
): Promise<{ ruleId: string; subject: string; count: number; firstBucket: number }[]> {
  if (queries.length === 0) return [];
  const rows = await db.$queryRaw<{ rule_id: string; subject: string; count: number; first_bucket: bigint }[]>`
    SELECT q.rule_id::text AS rule_id, q.subject, SUM(c.count)::int AS count, MIN(c.bucket) AS first_bucket
    FROM unnest(${queries.map((q) => q.ruleId)}::uuid[], ${queries.map((q) => q.subject)}::text[],
                ${queries.map((q) => q.fromBucket)}::bigint[]) AS q(rule_id, subject, from_bucket)
    JOIN alert_counters c ON c.rule_id = q.rule_id AND c.subject = q.subject AND c.bucket >= q.from_bucket
    LEFT JOIN alert_incidents i ON i.rule_id = q.rule_id AND i.subject = q.subject
    WHERE i.last_fired_at IS NULL OR c.bucket >= ceil(extract(epoch FROM i.last_fired_at))
    GROUP BY q.rule_id, q.subject`;
  return rows.map((r) => ({
    ruleId: r.rule_id,
    subject: r.subject,
    count: r.count,
    firstBucket: Number(r.first_bucket),
  }));
}

/** Drops buckets no window can reach any more. */
export async function pruneAlertCounters(db: Db, beforeBucket: number): Promise<void> {
  await db.$executeRaw`DELETE FROM alert_counters WHERE bucket < ${beforeBucket}::bigint`;
}

// ---------------------------------------------------------------------------------------------
// IPs seen per key (new_ip)

/**
 * Records (key, ip) pairs; returns those no replica had recorded before, with how many other IPs
 * the key was already known from. The insert decides, so exactly one replica learns a pair is new.
 */
export async function recordKeyIps(
  db: Db,
  pairs: readonly { keyId: string; ip: string }[],
): Promise<{ keyId: string; ip: string; knownIps: number }[]> {
  if (pairs.length === 0) return [];
  const rows = await db.$queryRaw<{ key_id: string; ip: string; known_ips: number }[]>`
    WITH inserted AS (
      INSERT INTO key_ips (key_id, ip)
      SELECT * FROM unnest(${pairs.map((p) => p.keyId)}::uuid[], ${pairs.map((p) => p.ip)}::text[])
      ON CONFLICT (key_id, ip) DO NOTHING
      RETURNING key_id, ip)
    SELECT inserted.key_id::text AS key_id, inserted.ip,
           (SELECT count(*) FROM key_ips k WHERE k.key_id = inserted.key_id)::int AS known_ips
    FROM inserted`;
  return rows.map((r) => ({ keyId: r.key_id, ip: r.ip, knownIps: r.known_ips }));
}

// ---------------------------------------------------------------------------------------------
// Expiring keys

/** Keys a rule watches that expire (or end their rotation grace) within its `days`. */
export async function findExpiringKeys(
  db: Db,
  rule: Pick<ActiveAlertRule, "companyId" | "keyId" | "environment" | "days">,
  now = new Date(),
): Promise<{ id: string; expiresAt: Date }[]> {
  const horizon = new Date(now.getTime() + (rule.days ?? 0) * 86_400_000);
  const rows = await db.apiKey.findMany({
    where: {
      companyId: rule.companyId,
      revokedAt: null,
      ...(rule.keyId ? { id: rule.keyId } : {}),
      ...(rule.environment ? { environment: rule.environment } : {}),
      OR: [{ expiresAt: { gt: now, lte: horizon } }, { graceEndsAt: { gt: now, lte: horizon } }],
    },
    select: { id: true, expiresAt: true, graceEndsAt: true },
    take: 1000,
  });
  return rows.map((r) => {
    const ends = [r.expiresAt, r.graceEndsAt].filter((d): d is Date => d !== null && d > now);
    return { id: r.id, expiresAt: new Date(Math.min(...ends.map((d) => d.getTime()))) };
  });
}

// ---------------------------------------------------------------------------------------------
// Deliveries

export type DeliveryStatus = "pending" | "sending" | "succeeded" | "failed";

export interface DueDelivery {
  id: string;
  alertId: string;
  companyId: string;
  channelType: "webhook" | "email";
  target: string;
  attempt: number;
  payload: AlertPayload;
  /** The rule's channel that matches the target now (null when it was removed since). */
  channel: StoredChannel | null;
}

/** How many attempts each company may have in flight, and how many this worker has now. */
export interface DeliveryFairness {
  perCompany: number;
  inFlight: ReadonlyMap<string, number>;
}

/**
 * Takes up to `limit` due attempts for this worker, marked `sending` in the statement that picks
 * them. Round-robin by company: every company's oldest due attempt comes before anyone's second,
 * and a company never gets more than `fairness.perCompany` in flight here, so one company's slow
 * receivers cannot take every slot. The UPDATE checks `status = 'pending'` again on the row it
 * locks, so when two replicas pick the same attempt only the first one gets it. With `staleMs`, an
 * attempt left `sending` that long (its process died mid-send) is made due again first.
 */
export async function claimDueDeliveries(
  db: Db,
  limit: number,
  staleMs: number | null,
  fairness: DeliveryFairness = { perCompany: limit, inFlight: new Map() },
): Promise<DueDelivery[]> {
  if (staleMs !== null)
    await db.$executeRaw`
    UPDATE alert_deliveries SET status = 'pending'
    WHERE status = 'sending' AND attempted_at < now() - make_interval(secs => ${staleMs / 1000})`;
  const busy = [...fairness.inFlight];
  const claimed = await db.$queryRaw<{ id: string }[]>`
    UPDATE alert_deliveries SET status = 'sending', attempted_at = now()
    WHERE status = 'pending' AND id IN (
      SELECT id FROM (
        SELECT d.id, d.next_attempt_at,
               row_number() OVER (PARTITION BY a.company_id ORDER BY d.next_attempt_at, d.id)
                 + coalesce(busy.n, 0) AS place
        FROM alert_deliveries d
        JOIN alerts a ON a.id = d.alert_id
        LEFT JOIN unnest(${busy.map(([company]) => company)}::uuid[], ${busy.map(([, n]) => n)}::int[])
               AS busy(company_id, n) ON busy.company_id = a.company_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= now()) ranked
      WHERE place <= ${fairness.perCompany}
      ORDER BY place, next_attempt_at
      LIMIT ${limit})
    RETURNING id::text AS id`;
  if (claimed.length === 0) return [];
  const rows = await db.alertDelivery.findMany({
    where: { id: { in: claimed.map((c) => c.id) } },
    include: { alert: { include: { rule: { select: { channels: true } } } } },
  });
  return rows.map((row) => {
    const channels = storedChannels(row.alert.rule);
    const channel =
      channels.find((c) =>
        c.type === "webhook"
          ? row.channelType === "webhook" && c.url === row.target
          : row.channelType === "email" && c.to.join(", ") === row.target,
      ) ?? null;
    return {
      id: row.id,
      alertId: row.alertId,
      companyId: row.alert.companyId,
      channelType: row.channelType as "webhook" | "email",
      target: row.target,
      attempt: row.attempt,
      payload: row.alert.payload as unknown as AlertPayload,
      channel,
    };
  });
}

/** Records an attempt's outcome; a failure with `retryAt` queues the next attempt as its own row. */
export async function recordDeliveryOutcome(
  db: Db,
  delivery: Pick<DueDelivery, "id" | "alertId" | "channelType" | "target" | "attempt">,
  outcome: { ok: boolean; responseStatus?: number | null; error?: string | null; retryAt?: Date | null },
): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.alertDelivery.update({
      where: { id: delivery.id },
      data: {
        status: outcome.ok ? "succeeded" : "failed",
        responseStatus: outcome.responseStatus ?? null,
        error: outcome.error ? outcome.error.slice(0, 500) : null,
        nextAttemptAt: outcome.ok ? null : (outcome.retryAt ?? null),
      },
    });
    if (!outcome.ok && outcome.retryAt) {
      await tx.alertDelivery.create({
        data: {
          alertId: delivery.alertId,
          channelType: delivery.channelType,
          target: delivery.target,
          attempt: delivery.attempt + 1,
          status: "pending",
          attemptedAt: outcome.retryAt,
          nextAttemptAt: outcome.retryAt,
        },
      });
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Reading fired alerts

export interface PublicAlertDelivery {
  id: string;
  channelType: string;
  target: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  attemptedAt: string;
  nextAttemptAt: string | null;
}

export interface PublicAlert {
  id: string;
  ruleId: string;
  kind: AlertKindName;
  keyId: string | null;
  count: number;
  windowStart: string;
  windowEnd: string;
  firedAt: string;
  seenAt: string | null;
  /** Each channel's latest attempt decides: all succeeded → delivered; any still to try → pending; else failed. */
  deliveryStatus: "delivered" | "pending" | "failed" | "none";
  payload: AlertPayload;
  deliveries: PublicAlertDelivery[];
}

function toPublicDelivery(d: AlertDelivery): PublicAlertDelivery {
  return {
    id: d.id,
    channelType: d.channelType,
    target: d.target,
    attempt: d.attempt,
    status: d.status as DeliveryStatus,
    responseStatus: d.responseStatus,
    error: d.error,
    attemptedAt: d.attemptedAt.toISOString(),
    nextAttemptAt: iso(d.nextAttemptAt),
  };
}

export function deliveryStatusOf(deliveries: readonly PublicAlertDelivery[]): PublicAlert["deliveryStatus"] {
  if (deliveries.length === 0) return "none";
  const latest = new Map<string, PublicAlertDelivery>();
  for (const d of deliveries) {
    const id = `${d.channelType}|${d.target}`;
    const current = latest.get(id);
    if (!current || d.attempt > current.attempt) latest.set(id, d);
  }
  const statuses = [...latest.values()].map((d) => d.status);
  if (statuses.every((s) => s === "succeeded")) return "delivered";
  if (statuses.some((s) => s === "pending" || s === "sending")) return "pending";
  return "failed";
}

export async function listAlerts(
  db: Db,
  companyId: string,
  query: ListAlertsQuery,
): Promise<{ data: PublicAlert[]; nextCursor: string | null }> {
  const where: Prisma.AlertWhereInput = { companyId };
  if (query.ruleId) where.ruleId = query.ruleId;
  if (query.keyId) where.keyId = query.keyId;
  if (query.unseen !== undefined) where.seenAt = query.unseen ? null : { not: null };
  if (query.cursor) where.id = { lt: query.cursor };
  const rows = await db.alert.findMany({
    where,
    orderBy: { id: "desc" },
    take: query.limit + 1,
    include: { deliveries: { orderBy: [{ attempt: "asc" }, { id: "asc" }] }, rule: { select: { kind: true } } },
  });
  const page = rows.slice(0, query.limit);
  return {
    data: page.map((row) => {
      const deliveries = row.deliveries.map(toPublicDelivery);
      return {
        id: row.id,
        ruleId: row.ruleId,
        kind: row.rule.kind,
        keyId: row.keyId,
        count: row.count,
        windowStart: row.windowStart.toISOString(),
        windowEnd: row.windowEnd.toISOString(),
        firedAt: row.firedAt.toISOString(),
        seenAt: iso(row.seenAt),
        deliveryStatus: deliveryStatusOf(deliveries),
        payload: row.payload as unknown as AlertPayload,
        deliveries,
      };
    }),
    nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null,
  };
}

export async function countUnseenAlerts(db: Db, companyId: string): Promise<number> {
  return db.alert.count({ where: { companyId, seenAt: null } });
}

/** Marks the company's alerts fired up to now as seen (the dashboard's badge counts the others). */
export async function markAlertsSeen(db: Db, companyId: string, now = new Date()): Promise<number> {
  const { count } = await db.alert.updateMany({
    where: { companyId, seenAt: null, firedAt: { lte: now } },
    data: { seenAt: now },
  });
  return count;
}
