// The test alert a rule's "send a test" fires (the API's route and the dashboard's button): a
// receiver can try its signature check end to end without waiting for a real incident.
import type { FireAlertInput } from "./fire";

/** A `test: true` firing of the rule with no count, over the rule's window ending now (no claim, no cooldown). */
export function testAlertInput(
  rule: { id: string; keyId: string | null; windowSeconds: number | null },
  now: Date = new Date(),
): FireAlertInput {
  return {
    ruleId: rule.id,
    subject: "test",
    keyId: rule.keyId,
    count: 0,
    windowStart: new Date(now.getTime() - (rule.windowSeconds ?? 0) * 1000),
    windowEnd: now,
    test: true,
  };
}
