// Creating, reading, changing and deleting alert rules; each change writes its audit event in the
// same transaction. New webhook secrets are sealed here, before they reach a row.
import { KeywardError } from "@keyward/auth-core";
import type { AlertRule, Db, Prisma } from "@keyward/db";
import { type Actor, appendAuditEvent, type Tx } from "../audit/append";
import type { SecretBox } from "../secret-box";
import { type StoredChannel, storedChannels, webhookSecretPurpose } from "./channels";
import { type PublicAlertRule, toPublicAlertRule } from "./public-rule";
import {
  type AlertChannelInput,
  type AlertKindName,
  COUNTING_KINDS,
  type CreateAlertRuleInput,
  type ListAlertRulesQuery,
  ruleShapeIssues,
  type UpdateAlertRuleInput,
} from "./schemas";

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
