"use server";

import { parseAllowedHosts } from "@keyward/auth-core";
import {
  aesSecretBox,
  alertRuleInputSchemas,
  createAlertRule,
  deleteAlertRule,
  environmentSchema,
  fireAlert,
  testAlertInput,
  updateAlertRule,
} from "@keyward/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { env } from "@/env";
import type { FieldErrors } from "@/server/form-errors";
import { memberAction, type Refusal, refuse } from "@/server/member-action";
import { sealingKey } from "@/server/sealing-key";
import { canManageKeys } from "@/server/session";

// Alert rules are managed by owners and admins, like keys; viewers see rules and alerts only.
const WHO = { allowed: canManageKeys, cannot: "change alert rules" };

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

/** A rule's id, for the actions on one rule; any other input is an unknown rule. */
const ruleIdSchema = z.strictObject({ id: z.uuid() });
const UNKNOWN_RULE = "Unknown rule.";

/** The API's rule schemas, with the same allowed webhook hosts (an invalid list fails here, as it does in the API). */
const ruleSchemas = alertRuleInputSchemas(parseAllowedHosts(env.KEYWARD_WEBHOOK_ALLOW_HOSTS));

export type RuleFormResult = Refusal | { ok: true; id: string };
export type RuleChangeResult = Refusal | { ok: true; message: string };

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
export const saveRuleAction = memberAction(
  {
    ...WHO,
    input: ruleFormSchema.extend({ ruleId: z.uuid().nullable() }),
    invalid: "The form could not be read. Reload the page and try again.",
  },
  async ({ db, member, input: f, actor }) => {
    const { ruleId } = f;
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
      environment: environmentSchema.options.find((environment) => scope === `env:${environment}`) ?? null,
      cooldownSeconds: optionalInt(f.cooldownSeconds) ?? 600,
      channels,
    };
    const sealing = sealingKey();
    if (sealing.refusal) return sealing.refusal;
    const box = aesSecretBox(sealing.key);
    if (ruleId === null) {
      const input = ruleSchemas.create.safeParse({ ...fields, enabled: true });
      if (!input.success) return refuse("Check the highlighted fields.", formErrors(input.error.issues, channelFields));
      const rule = await createAlertRule(db, member.companyId, input.data, actor, box);
      revalidatePath("/alerts");
      return { ok: true, id: rule.id };
    }
    const input = ruleSchemas.update.safeParse(fields);
    if (!input.success) return refuse("Check the highlighted fields.", formErrors(input.error.issues, channelFields));
    const rule = await updateAlertRule(db, member.companyId, ruleId, input.data, actor, box);
    revalidatePath("/alerts");
    return { ok: true, id: rule.id };
  },
);

export const setRuleEnabledAction = memberAction(
  { ...WHO, input: ruleIdSchema.extend({ enabled: z.boolean() }), invalid: UNKNOWN_RULE },
  async ({ db, member, input, actor }) => {
    const sealing = sealingKey();
    if (sealing.refusal) return sealing.refusal;
    await updateAlertRule(db, member.companyId, input.id, { enabled: input.enabled }, actor, aesSecretBox(sealing.key));
    revalidatePath("/alerts");
    return { ok: true, message: input.enabled ? "Rule enabled." : "Rule disabled." };
  },
);

export const deleteRuleAction = memberAction(
  { ...WHO, input: ruleIdSchema, invalid: UNKNOWN_RULE },
  async ({ db, member, input, actor }) => {
    await deleteAlertRule(db, member.companyId, input.id, actor);
    revalidatePath("/alerts");
    return { ok: true, message: "Rule deleted." };
  },
);

/** Stores a test alert with pending deliveries; the API's delivery worker sends it (signed) within a second. */
export const sendTestAlertAction = memberAction(
  { allowed: canManageKeys, cannot: "send test alerts", input: ruleIdSchema, invalid: UNKNOWN_RULE },
  async ({ db, member, input }) => {
    const rule = await db.alertRule.findFirst({ where: { id: input.id, companyId: member.companyId } });
    if (!rule) return refuse(UNKNOWN_RULE);
    const fired = await fireAlert(db, testAlertInput(rule));
    if (!fired) return refuse("The test alert could not be stored. Try again.");
    revalidatePath("/alerts");
    return { ok: true, message: "Test alert queued: the API delivers it within a few seconds." };
  },
);
