// Firing an alert, once per incident across replicas: firing starts with an atomic claim on
// (rule, subject) in `alert_incidents` (INSERT … ON CONFLICT DO UPDATE … WHERE the cooldown has
// passed RETURNING), in the same transaction as the alert row, its delivery rows and its
// `alert.fired` audit event. A concurrent claim waits for the row lock and then sees the new time,
// so exactly one wins; PGlite runs one statement at a time, so the same statement serialises there
// too (no advisory locks).
import { fingerprintOf } from "@keyward/auth-core";
import type { Db, Prisma } from "@keyward/db";
import { appendAuditEvent } from "../audit/append";
import { storedChannels } from "./channels";
import type { AlertPayload } from "./public-alert";
import { alertRuleSettingsOf } from "./public-rule";
import type { AlertKindName } from "./schemas";

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
      rule: alertRuleSettingsOf(rule),
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
