"use server";

import {
  createOperatorKey,
  createOperatorKeyInputSchema,
  type PublicOperatorKey,
  revokeOperatorKey,
} from "@keyward/core";
import { z } from "zod";
import { memberAction } from "@/server/member-action";

// Installation-wide keys: memberAction refuses anyone not an operator, whichever company they are in.
const byOperator = { allowed: () => true, cannot: "manage operator keys", operator: true } as const;

export type CreateOperatorKeyForm = z.input<typeof createOperatorKeyInputSchema>;

// The secret travels in this action's response only, to be held in the client's memory and shown once.
export interface CreatedOperatorKeyResult {
  ok: true;
  key: PublicOperatorKey;
  secret: string;
}

/** An operator key, as `keyward operator-keys create`; the row records which operator created it. */
export const createOperatorKeyAction = memberAction(
  { ...byOperator, input: createOperatorKeyInputSchema },
  async ({ db, input, member }) => {
    const created = await createOperatorKey(db, input, member.id);
    return { ok: true, ...created } satisfies CreatedOperatorKeyResult;
  },
);

/**
 * Revokes an operator key. Core logs the change in the key-change log in the same transaction, so
 * every API and guard replica refuses the key within a poll (the dashboard publishes nothing itself).
 */
export const revokeOperatorKeyAction = memberAction(
  { ...byOperator, input: z.strictObject({ keyId: z.uuid() }), invalid: "Reload the page." },
  async ({ db, input }) => {
    await revokeOperatorKey(db, input.keyId);
    return { ok: true as const };
  },
);
