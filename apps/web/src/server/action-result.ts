import { KeywardError } from "@keyward/auth-core";
import type { SessionUser } from "@keyward/core";
import type { FieldErrors } from "@/server/form-errors";
import { requestContext } from "@/server/request-context";
import { currentMember } from "@/server/session";

/** What every mutation answers when it refuses: one message for the form, one per field. */
export interface Refusal {
  ok: false;
  error: string;
  fieldErrors: FieldErrors;
}

export const refuse = (error: string, fieldErrors: FieldErrors = {}): Refusal => ({ ok: false, error, fieldErrors });

/**
 * The member allowed to make a change, or the refusal to send back. The role is re-read from the
 * database for this request (currentMember → findMembership), never taken from the session token.
 */
export async function authorize(
  allowed: (member: SessionUser) => boolean,
  what: string,
): Promise<{ member: SessionUser; refusal: null } | { member: null; refusal: Refusal }> {
  const member = await currentMember();
  if (!member) return { member: null, refusal: refuse("Your session has ended. Sign in again.") };
  if (!allowed(member)) {
    return { member: null, refusal: refuse(`Your role (${member.role}) cannot ${what}.`) };
  }
  return { member, refusal: null };
}

/** The audit actor for a dashboard user, with the request's IP and user agent. */
export async function userActor(member: SessionUser) {
  const { ip, userAgent } = await requestContext();
  return { type: "user" as const, id: member.id, ip, userAgent };
}

/** Turns the services' expected refusals (not found, conflict, validation) into a form message. */
export function refusalFrom(error: unknown): Refusal {
  if (error instanceof KeywardError && error.code !== "SERVICE_UNAVAILABLE") return refuse(error.message);
  throw error;
}
