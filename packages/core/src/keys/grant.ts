// The one grant rule for every change to a key (docs/api.md#scopes): a credential may create, change, rotate,
// revoke or import only keys whose scopes its own scopes cover. Without it a key holding just
// keys:write could rotate the company's `*` key and receive a working `*` secret.
import { KeywardError, missingScopes } from "@keyward/auth-core";
import type { Actor } from "../audit/append";

/**
 * Throws 403 FORBIDDEN unless the actor's scopes cover every one of `keyScopes` (a key's current
 * scopes, the scopes it is to get, or both); `details.required` names those it lacks. An actor
 * without `scopes` was authorised by its caller (a dashboard role, the system).
 */
export function assertMayManageKeys(actor: Actor, keyScopes: readonly string[]): void {
  if (actor.scopes === undefined) return;
  const lacking = missingScopes(actor.scopes, keyScopes);
  if (lacking.length > 0) {
    throw new KeywardError(
      "FORBIDDEN",
      "Insufficient permissions: a credential manages only keys its own scopes cover",
      {
        required: lacking,
        available: [...actor.scopes],
      },
    );
  }
}
