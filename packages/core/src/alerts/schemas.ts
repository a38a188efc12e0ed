// The shapes of alert-rule requests (docs/api.md#alerts), shared by the API (validation and OpenAPI) and the
// dashboard's rule form. Which fields a rule needs depends on its kind, so the checks that span
// fields live in one refinement used by create and by update (on the merged rule).
import { type AllowedHosts, NO_ALLOWED_HOSTS, outboundTargetProblem } from "@keyward/auth-core";
import { z } from "zod";
import { isStorableText, STORABLE_TEXT_MESSAGE, text } from "../bounded-input";
import { environmentSchema } from "../keys/schemas";

export const ALERT_KINDS = ["request_spike", "auth_failures", "new_ip", "expiring", "rate_limited"] as const;
export const alertKindSchema = z.enum(ALERT_KINDS);
export type AlertKindName = z.output<typeof alertKindSchema>;

/** Kinds that count events in a window: they need `threshold` and `windowSeconds`. */
export const COUNTING_KINDS: readonly AlertKindName[] = ["request_spike", "auth_failures", "rate_limited"];

export const MAX_ALERT_WINDOW_SECONDS = 86_400;
export const MAX_COOLDOWN_SECONDS = 30 * 86_400;
export const MAX_EXPIRING_DAYS = 365;

const webhookUrlSchema = z
  .url({ protocol: /^https?$/, error: "Use an http:// or https:// URL" })
  .max(2000)
  .refine(isStorableText, STORABLE_TEXT_MESSAGE)
  // Zod runs these checks even after `.url()` failed: an unparsable URL is that check's issue, not theirs.
  .refine((u) => {
    const url = parseUrl(u);
    return url === null || (url.username === "" && url.password === "");
  }, "Put credentials in the channel secret, not in the URL");

function parseUrl(u: string): URL | null {
  return URL.canParse(u) ? new URL(u) : null;
}

/** A webhook channel as a client sends it; `secret` signs the body and is never returned. */
export const webhookChannelInputSchema = z.strictObject({
  type: z.literal("webhook"),
  url: webhookUrlSchema,
  /** Required on create; on update, null or absent keeps the secret of the channel with the same URL. */
  secret: text(256).min(16, "Use at least 16 characters").nullish(),
  secretSet: z.boolean().optional().describe("Ignored: echoed back by clients that send a rule as they read it"),
});

export const emailChannelInputSchema = z.strictObject({
  type: z.literal("email"),
  to: z.array(z.email("Enter an email address").max(254)).min(1, "Add at least one address").max(20),
});

export const alertChannelInputSchema = z.discriminatedUnion("type", [
  webhookChannelInputSchema,
  emailChannelInputSchema,
]);
export type AlertChannelInput = z.output<typeof alertChannelInputSchema>;

const ruleFields = {
  name: text(120).trim().min(1),
  kind: alertKindSchema,
  threshold: z.int().min(1).max(10_000_000).nullish(),
  windowSeconds: z.int().min(1).max(MAX_ALERT_WINDOW_SECONDS).nullish(),
  days: z.int().min(1).max(MAX_EXPIRING_DAYS).nullish(),
  keyId: z.uuid().nullish(),
  environment: environmentSchema.nullish(),
  cooldownSeconds: z.int().min(0).max(MAX_COOLDOWN_SECONDS),
  enabled: z.boolean(),
  channels: z.array(alertChannelInputSchema).min(1, "Add at least one channel").max(10),
};

interface RuleShape {
  kind: AlertKindName;
  threshold?: number | null;
  windowSeconds?: number | null;
  days?: number | null;
}

/** The cross-field rules: what each kind needs. Shared by create and by the merged result of an update. */
export function ruleShapeIssues(rule: RuleShape): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (COUNTING_KINDS.includes(rule.kind)) {
    if (rule.threshold == null) issues.push({ path: ["threshold"], message: `Required for ${rule.kind}` });
    if (rule.windowSeconds == null) issues.push({ path: ["windowSeconds"], message: `Required for ${rule.kind}` });
  }
  if (rule.kind === "expiring" && rule.days == null) issues.push({ path: ["days"], message: "Required for expiring" });
  return issues;
}

const createRuleSchema = z
  .strictObject({
    ...ruleFields,
    cooldownSeconds: ruleFields.cooldownSeconds.default(600),
    enabled: ruleFields.enabled.default(true),
  })
  .superRefine((rule, ctx) => {
    for (const issue of ruleShapeIssues(rule)) ctx.addIssue({ code: "custom", ...issue });
    rule.channels.forEach((channel, i) => {
      if (channel.type === "webhook" && !channel.secret)
        ctx.addIssue({ code: "custom", path: ["channels", i, "secret"], message: "A webhook needs a secret" });
    });
  });
export type CreateAlertRuleInput = z.output<typeof createRuleSchema>;

const updateRuleSchema = z
  .strictObject({
    name: ruleFields.name.optional(),
    kind: ruleFields.kind.optional(),
    threshold: ruleFields.threshold,
    windowSeconds: ruleFields.windowSeconds,
    days: ruleFields.days,
    keyId: ruleFields.keyId,
    environment: ruleFields.environment,
    cooldownSeconds: ruleFields.cooldownSeconds.optional(),
    enabled: ruleFields.enabled.optional(),
    channels: ruleFields.channels.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one field to change" });
export type UpdateAlertRuleInput = z.output<typeof updateRuleSchema>;

/** Issues for webhooks that name an address inside the operator's network, unless the operator allowed the host. */
function webhookTargetIssues(channels: readonly AlertChannelInput[] | undefined, allowed: AllowedHosts) {
  const issues: { code: "custom"; path: (string | number)[]; message: string }[] = [];
  channels?.forEach((channel, i) => {
    if (channel.type !== "webhook") return;
    const url = parseUrl(channel.url);
    const problem = url && outboundTargetProblem(url, allowed);
    if (problem) issues.push({ code: "custom", path: ["channels", i, "url"], message: problem });
  });
  return issues;
}

/**
 * The create and update schemas with the operator's KEYWARD_WEBHOOK_ALLOW_HOSTS applied: a webhook
 * may not name a loopback, private, link-local or metadata address, or a local name, unless its host
 * is allowed. The delivery worker checks again after DNS (apps/api/src/outbound).
 */
export function alertRuleInputSchemas(allowed: AllowedHosts) {
  return {
    create: createRuleSchema.superRefine((rule, ctx) => {
      for (const issue of webhookTargetIssues(rule.channels, allowed)) ctx.addIssue(issue);
    }),
    update: updateRuleSchema.superRefine((rule, ctx) => {
      for (const issue of webhookTargetIssues(rule.channels, allowed)) ctx.addIssue(issue);
    }),
  };
}

/** The schemas where no host is allowed beyond the public ones. */
export const { create: createAlertRuleInputSchema, update: updateAlertRuleInputSchema } =
  alertRuleInputSchemas(NO_ALLOWED_HOSTS);

export const listAlertRulesQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.uuid().optional(),
});
export type ListAlertRulesQuery = z.output<typeof listAlertRulesQuerySchema>;

export const listAlertsQuerySchema = z.strictObject({
  ruleId: z.uuid().optional(),
  keyId: z.uuid().optional(),
  unseen: z
    .enum(["true", "false"])
    .transform((v) => v === "true")
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.uuid().optional(),
});
export type ListAlertsQuery = z.output<typeof listAlertsQuerySchema>;

export const alertRuleIdParamsSchema = z.strictObject({ id: z.uuid() });
