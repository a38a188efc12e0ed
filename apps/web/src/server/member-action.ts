import { KeywardError } from "@keyward/auth-core";
import type { Actor, SessionUser } from "@keyward/core";
import type { Db } from "@keyward/db";
import type { z } from "zod";
import { getDb } from "@/server/db";
import { type FieldErrors, fieldErrors } from "@/server/form-errors";
import { requestContext } from "@/server/request-context";
import { currentMember, currentUserIsOperator, SUSPENDED_MESSAGE, sessionRefusal } from "@/server/session";

/** What every dashboard change answers when it refuses: one message for the form, one per field. */
export interface Refusal {
  ok: false;
  error: string;
  fieldErrors: FieldErrors;
}

export const refuse = (error: string, fieldErrors: FieldErrors = {}): Refusal => ({ ok: false, error, fieldErrors });

/** What a change needs besides its own work: who may make it, and the input it accepts. */
export interface MemberActionSpec<Schema extends z.ZodType> {
  /** Judged on the role read from the database for this request, never on the session token's. */
  allowed: (member: SessionUser) => boolean;
  /** What the other roles are told: "Your role (viewer) cannot {cannot}.", or the whole sentence for a role. */
  cannot: string | ((role: SessionUser["role"]) => string);
  /** What an ended session is told, where the form says more than "Your session has ended. Sign in again." */
  signedOut?: string;
  /** What the browser must send. A server action is a public endpoint: nothing runs before this passes. */
  input: Schema;
  /**
   * The refusal of input the schema rejects: a message alone (for input no field of the form can
   * fix), or one built from the issues. By default "Check the highlighted fields." with each field's
   * first issue under it.
   */
  invalid?: string | ((error: z.ZodError) => Refusal);
  /** A field that also shows the services' refusals (for forms that show field errors, not the message). */
  refusalField?: string;
  /**
   * Made by operator authority (the Companies page): refused to anyone not an operator of this
   * installation ("Only an operator of this Keyward can {cannot}."), audited as the operator.
   */
  operator?: boolean;
}

/** What the change itself is handed: the parsed input, the member making it and their audit actor. */
export interface MemberChange<Input> {
  input: Input;
  member: SessionUser;
  db: Db;
  actor: Actor;
}

/**
 * A server action for a signed-in member: authorises the member's current role, parses the input
 * with the spec's schema, runs the change, and turns the services' expected refusals (KeywardError:
 * not found, conflict, validation) into the form's Refusal. Anything else is thrown, for the error page.
 */
export function memberAction<Schema extends z.ZodType, Result extends { ok: true }>(
  spec: MemberActionSpec<Schema>,
  change: (context: MemberChange<z.output<Schema>>) => Promise<Result | Refusal>,
): (raw: z.input<Schema>) => Promise<Result | Refusal> {
  return async (raw) => {
    const { member, refusal } = await authorize(spec);
    if (refusal) return refusal;
    const parsed = spec.input.safeParse(raw);
    if (!parsed.success) return invalidInput(spec.invalid, parsed.error);
    try {
      const actor = await actorFor(member, spec.operator === true);
      return await change({ input: parsed.data, member, db: await getDb(), actor });
    } catch (error) {
      const refused = refusalFrom(error);
      return spec.refusalField ? { ...refused, fieldErrors: { [spec.refusalField]: refused.error } } : refused;
    }
  };
}

/**
 * The member allowed to make a change, or the refusal to send back. The role is re-read from the
 * database for this request (currentMember → findMembership), never taken from the session token.
 */
async function authorize(
  spec: Pick<MemberActionSpec<z.ZodType>, "allowed" | "cannot" | "signedOut" | "operator">,
): Promise<{ member: SessionUser; refusal: null } | { member: null; refusal: Refusal }> {
  const member = await currentMember();
  if (!member) {
    if ((await sessionRefusal()) === "suspended") return { member: null, refusal: refuse(SUSPENDED_MESSAGE) };
    return { member: null, refusal: refuse(spec.signedOut ?? "Your session has ended. Sign in again.") };
  }
  if (spec.operator && !(await currentUserIsOperator())) {
    const what = typeof spec.cannot === "string" ? spec.cannot : "do this";
    return { member: null, refusal: refuse(`Only an operator of this Keyward can ${what}.`) };
  }
  if (!spec.allowed(member)) {
    const sentence =
      typeof spec.cannot === "string" ? `Your role (${member.role}) cannot ${spec.cannot}.` : spec.cannot(member.role);
    return { member: null, refusal: refuse(sentence) };
  }
  return { member, refusal: null };
}

function invalidInput(invalid: MemberActionSpec<z.ZodType>["invalid"], error: z.ZodError): Refusal {
  if (typeof invalid === "string") return refuse(invalid);
  if (invalid) return invalid(error);
  return refuse("Check the highlighted fields.", fieldErrors(error));
}

/**
 * The audit actor for a dashboard user, with the request's IP and user agent: the operator when
 * they act by operator authority (a company they are not a member of, or the Companies page).
 */
async function actorFor(member: SessionUser, operatorAction: boolean): Promise<Actor> {
  const { ip, userAgent } = await requestContext();
  const type = operatorAction || member.viaOperator ? "operator" : "user";
  return { type, id: member.id, ip, userAgent };
}

/** The services' expected refusals as a form message; an unavailable database is not one of them. */
function refusalFrom(error: unknown): Refusal {
  if (error instanceof KeywardError && error.code !== "SERVICE_UNAVAILABLE") return refuse(error.message);
  throw error;
}
