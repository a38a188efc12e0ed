"use server";

import { parseAllowedHosts } from "@keyward/auth-core";
import {
  aesSecretBox,
  alertRuleInputSchemas,
  createAlertRule,
  deleteAlertRule,
  fireAlert,
  resolveGuardEncryptionKey,
  type SecretBox,
  updateAlertRule,
} from "@keyward/core";
import { resolveDataDir } from "@keyward/db";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { env } from "@/env";
import { authorize, type Refusal, refusalFrom, refuse, userActor } from "@/server/action-result";
import { getDb } from "@/server/db";
import type { FieldErrors } from "@/server/form-errors";
import { canManageKeys } from "@/server/session";

// Alert rules are managed by owners and admins, like keys; viewers see rules and alerts only.
const WHAT = "change alert rules";

/** What the rule form sends. A server action is a public endpoint, so this is checked before anything else. */
const ruleFormSchema = z.strictObject({
  name: z.string().max(200),
  kind: z.string().max(40),
  threshold: z.string().max(12),
  windowSeconds: z.string().max(12),
  days: z.string().max(12),
  scope: z.string().max(60),
  cooldownSeconds: z.string().max(12),
  webhookUrl: z.string().max(2000),
  webhookSecret: z.string().max(300),
  emailTo: z.string().max(5000),
});
export type RuleForm = z.input<typeof ruleFormSchema>;

const idSchema = z.uuid();

/** The API's rule schemas, with the same allowed webhook hosts (an invalid list fails here, as it does in the API). */
const ruleSchemas = alertRuleInputSchemas(parseAllowedHosts(env.KEYWARD_WEBHOOK_ALLOW_HOSTS));

export type RuleFormResult = Refusal | { ok: true; id: string };
export type RuleChangeResult = Refusal | { ok: true; message: string };

/** The webhook secret sealer: the same key as the API's, or the refusal that says how to configure it. */
function secretBox(): { box: SecretBox; refusal: null } | { box: null; refusal: Refusal } {
  try {
    const key = resolveGuardEncryptionKey({
      encryptionKey: env.KEYWARD_ENCRYPTION_KEY,
      nodeEnv: env.NODE_ENV,
      dataDir: resolveDataDir(env.KEYWARD_DATA_DIR),
    });
    return { box: aesSecretBox(key), refusal: null };
  } catch (error) {
    return { box: null, refusal: refuse((error as Error).message) };
  }
}

const optionalInt = (text: string): number | null | typeof Number.NaN =>
  text.trim() === "" ? null : /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;

/** Maps the schema's issue paths (`channels.0.url`) to the form's fields (`webhookUrl`). */
function formErrors(issues: z.core.$ZodIssue[], channelFields: string[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const [first, index] = issue.path;
    const field =
      first === "channels"
        ? typeof index === "number"
          ? (channelFields[index] ?? "channels")
          : "channels"
        : String(first ?? "form");
    const refined = field === "webhookUrl" && issue.path[2] === "secret" ? "webhookSecret" : field;
    errors[refined] ??= issue.message;
  }
  return errors;
}

/**
 * Creates a rule (`ruleId` null) or replaces an existing rule's settings. On an edit, an empty
 * signing secret keeps the one stored for the same webhook URL (secrets are never shown again).
 */
export async function saveRuleAction(ruleId: string | null, raw: RuleForm): Promise<RuleFormResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  const form = ruleFormSchema.safeParse(raw);
  if (!form.success || (ruleId !== null && !idSchema.safeParse(ruleId).success))
    return refuse("The form could not be read. Reload the page and try again.");
  const f = form.data;

  const channels: unknown[] = [];
  const channelFields: string[] = [];
  if (f.webhookUrl.trim() !== "" || f.webhookSecret !== "") {
    const secret = f.webhookSecret === "" && ruleId !== null ? null : f.webhookSecret;
    channels.push({ type: "webhook", url: f.webhookUrl.trim(), secret });
    channelFields.push("webhookUrl");
  }
  const to = f.emailTo
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (to.length > 0) {
    if (!env.SMTP_URL)
      return refuse("Check the highlighted fields.", {
        emailTo: "Email needs SMTP_URL to be set on the API and the dashboard.",
      });
    channels.push({ type: "email", to });
    channelFields.push("emailTo");
  }
  if (channels.length === 0)
    return refuse("Check the highlighted fields.", { webhookUrl: "Add a webhook or an email address." });

  const scope = f.scope;
  const fields = {
    name: f.name,
    kind: f.kind,
    threshold: optionalInt(f.threshold),
    windowSeconds: optionalInt(f.windowSeconds),
    days: optionalInt(f.days),
    keyId: scope.startsWith("key:") ? scope.slice(4) : null,
    environment: scope === "env:live" ? "live" : scope === "env:test" ? "test" : null,
    cooldownSeconds: optionalInt(f.cooldownSeconds) ?? 600,
    channels,
  };
  const sealing = secretBox();
  if (sealing.refusal) return sealing.refusal;
  const db = await getDb();
  const actor = await userActor(member);
  try {
    if (ruleId === null) {
      const input = ruleSchemas.create.safeParse({ ...fields, enabled: true });
      if (!input.success) return refuse("Check the highlighted fields.", formErrors(input.error.issues, channelFields));
      const rule = await createAlertRule(db, member.companyId, input.data, actor, sealing.box);
      revalidatePath("/alerts");
      return { ok: true, id: rule.id };
    }
    const input = ruleSchemas.update.safeParse(fields);
    if (!input.success) return refuse("Check the highlighted fields.", formErrors(input.error.issues, channelFields));
    const rule = await updateAlertRule(db, member.companyId, ruleId, input.data, actor, sealing.box);
    revalidatePath("/alerts");
    return { ok: true, id: rule.id };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function setRuleEnabledAction(id: string, enabled: boolean): Promise<RuleChangeResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  if (!idSchema.safeParse(id).success || typeof enabled !== "boolean") return refuse("Unknown rule.");
  const sealing = secretBox();
  if (sealing.refusal) return sealing.refusal;
  try {
    await updateAlertRule(await getDb(), member.companyId, id, { enabled }, await userActor(member), sealing.box);
    revalidatePath("/alerts");
    return { ok: true, message: enabled ? "Rule enabled." : "Rule disabled." };
  } catch (error) {
    return refusalFrom(error);
  }
}

export async function deleteRuleAction(id: string): Promise<RuleChangeResult> {
  const { member, refusal } = await authorize(canManageKeys, WHAT);
  if (refusal) return refusal;
  if (!idSchema.safeParse(id).success) return refuse("Unknown rule.");
  try {
    await deleteAlertRule(await getDb(), member.companyId, id, await userActor(member));
    revalidatePath("/alerts");
    return { ok: true, message: "Rule deleted." };
  } catch (error) {
    return refusalFrom(error);
  }
}

/** Stores a test alert with pending deliveries; the API's delivery worker sends it (signed) within a second. */
export async function sendTestAlertAction(id: string): Promise<RuleChangeResult> {
  const { member, refusal } = await authorize(canManageKeys, "send test alerts");
  if (refusal) return refusal;
  if (!idSchema.safeParse(id).success) return refuse("Unknown rule.");
  const db = await getDb();
  const rule = await db.alertRule.findFirst({ where: { id, companyId: member.companyId } });
  if (!rule) return refuse("Unknown rule.");
  const now = new Date();
  const fired = await fireAlert(db, {
    ruleId: rule.id,
    subject: "test",
    keyId: rule.keyId,
    count: 0,
    windowStart: new Date(now.getTime() - (rule.windowSeconds ?? 0) * 1000),
    windowEnd: now,
    test: true,
  });
  if (!fired) return refuse("The test alert could not be stored. Try again.");
  revalidatePath("/alerts");
  return { ok: true, message: "Test alert queued: the API delivers it within a few seconds." };
}
