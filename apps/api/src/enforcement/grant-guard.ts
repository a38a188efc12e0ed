import { KeywardError, missingScopes } from "@keyward/auth-core";

/** A credential cannot hand out more than it holds: every requested scope must be granted by the caller's. */
export function assertCanGrant(callerScopes: readonly string[], requested: readonly string[]): void {
  const escalation = missingScopes(callerScopes, requested);
  if (escalation.length > 0) {
    throw new KeywardError("FORBIDDEN", "A key cannot grant scopes it does not have", {
      required: escalation,
      available: [...callerScopes],
    });
  }
}
