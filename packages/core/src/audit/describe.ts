// An audit event in words: the one sentence the dashboard shows for it ("billing-service refused 12×
// — rate limited, from 10.0.0.7"), its JSON staying behind a disclosure. Every value comes from the
// event itself or the names the caller resolved (key and user ids → names); nothing here reads storage.
import type { PublicAuditEvent } from "./public-event";

/** Why a request was refused, in words, by the verify code the event's `reason` holds. */
const REFUSAL_WORDS: Record<string, string> = {
  EXPIRED: "the key has expired",
  REVOKED: "the key is revoked",
  COMPANY_SUSPENDED: "the company is suspended",
  INSUFFICIENT_SCOPE: "missing scope",
  IP_NOT_ALLOWED: "IP address not allowed",
  RATE_LIMITED: "rate limited",
};

type Names = ReadonlyMap<string, string>;
type Metadata = Record<string, unknown>;

const short = (id: string) => id.slice(0, 8);

/** Who did it, in words: a member's email, a key's name, "Operator <email>", or "System". */
export function auditActorLabel(event: PublicAuditEvent, names: Names): string {
  if (event.actorType === "system" || !event.actorId) return "System";
  const name = names.get(event.actorId);
  if (event.actorType === "key") return name ? `Key ${name}` : `Key ${event.fingerprint ?? short(event.actorId)}`;
  if (event.actorType === "operator") return `Operator ${name ?? short(event.actorId)}`;
  if (event.actorType === "operator_key") return `Operator key ${event.fingerprint ?? short(event.actorId)}`;
  return name ?? `User ${short(event.actorId)}`;
}

/** The key an event is about, by name where known: "key “billing”", "key fp_ab12", or "a key". */
function keyLabel(event: PublicAuditEvent, names: Names, metadata: Metadata): string {
  const name = (event.keyId && names.get(event.keyId)) || stringOf(metadata.name);
  if (name) return `key “${name}”`;
  const id = event.fingerprint ?? (event.keyId ? short(event.keyId) : undefined);
  return id ? `key ${id}` : "a key";
}

const stringOf = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const listOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** "1 h", "15 min", "30 s": a grace period or a window. */
function duration(seconds: unknown): string | undefined {
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) return undefined;
  if (seconds === 0) return "no grace period";
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** A role inside a sentence: "as an admin". */
const asRole = (role: unknown) =>
  role === "admin" || role === "owner" ? `an ${role}` : role ? `a ${role}` : "a member";

/** The event as one sentence, starting with who did it. Unknown actions still read: "<actor> did <action>". */
export function describeAuditEvent(event: PublicAuditEvent, names: Names): string {
  const m: Metadata = event.metadata && typeof event.metadata === "object" ? (event.metadata as Metadata) : {};
  const actor = auditActorLabel(event, names);
  const key = () => keyLabel(event, names, m);
  switch (event.action) {
    case "request.refused": {
      const count = typeof m.count === "number" ? m.count : 1;
      const why = (event.reason && REFUSAL_WORDS[event.reason]) ?? event.reason ?? "refused";
      const who = (event.keyId && names.get(event.keyId)) || `Key ${event.fingerprint ?? "?"}`;
      return `${who} refused ${count === 1 ? "once" : `${count}×`} — ${why}${event.ip ? `, from ${event.ip}` : ""}`;
    }
    case "key.created":
    case "key.imported": {
      const verb = event.action === "key.created" ? "created" : "imported";
      const env = stringOf(m.environment);
      const scopes = listOf(m.scopes);
      return `${actor} ${verb} the ${env ? `${env} ` : ""}${key()}${scopes.length ? ` with ${scopes.join(", ")}` : ""}`;
    }
    case "key.updated": {
      const changed = listOf(m.changed);
      return `${actor} changed ${changed.length ? changed.join(", ") : "the settings"} of ${key()}`;
    }
    case "key.rotated": {
      const grace = duration(m.gracePeriodSeconds);
      const tail =
        grace === undefined
          ? ""
          : grace === "no grace period"
            ? ", ending the old secret at once"
            : `; the old secret works ${grace} more`;
      return `${actor} rotated ${key()}${tail}`;
    }
    case "key.revoked":
      return `${actor} revoked ${key()}${event.reason ? `: ${event.reason}` : ""}`;
    case "token.issued":
      return `${actor} exchanged itself for a short-lived token`;
    case "user.logged_in":
      return m.signUp === true ? `${actor} signed up` : `${actor} signed in to the API`;
    case "session.created":
      return `${actor} signed in to the dashboard`;
    case "member.invited":
      return `${actor} invited ${stringOf(m.email) ?? "someone"} as ${asRole(m.role)}`;
    case "member.invite_revoked":
      return `${actor} withdrew the invitation of ${stringOf(m.email) ?? "someone"}`;
    case "member.joined":
      return `${stringOf(m.email) ?? actor} joined as ${asRole(m.role)}`;
    case "member.role_changed":
      return `${actor} made ${stringOf(m.email) ?? "a member"} ${asRole(m.to)} (was ${asRole(m.from)})`;
    case "member.removed":
      return `${actor} removed ${stringOf(m.email) ?? "a member"} from the company`;
    case "company.created":
      return `${actor} created the company “${stringOf(m.name) ?? "?"}”${m.owner ? `, owned by ${stringOf(m.owner)}` : ""}`;
    case "company.renamed":
      return `${actor} renamed the company from “${stringOf(m.from) ?? "?"}” to “${stringOf(m.to) ?? "?"}”`;
    case "company.key_prefix_changed":
      return `${actor} changed the key prefix from ${stringOf(m.from) ?? "?"} to ${stringOf(m.to) ?? "?"}`;
    case "company.suspended":
      return `${actor} suspended the company: its keys and members are refused`;
    case "company.resumed":
      return `${actor} resumed the company`;
    case "scope_resource.added":
      return `${actor} added the scope resource “${stringOf(m.name) ?? "?"}”`;
    case "scope_resource.removed":
      return `${actor} removed the scope resource “${stringOf(m.name) ?? "?"}”`;
    case "alert_rule.created":
      return `${actor} created the alert rule “${stringOf(m.name) ?? "?"}”`;
    case "alert_rule.updated": {
      const changed = listOf(m.changed);
      return `${actor} changed ${changed.length ? changed.join(", ") : "the settings"} of the alert rule “${stringOf(m.name) ?? "?"}”`;
    }
    case "alert_rule.deleted":
      return `${actor} deleted the alert rule “${stringOf(m.name) ?? "?"}”`;
    case "alert.fired": {
      const alert = m.alert && typeof m.alert === "object" ? (m.alert as Metadata) : {};
      return `Alert fired: ${stringOf(alert.summary) ?? "see details"}`;
    }
    case "guard.secret_set":
      return `${actor} set the guard's secret`;
    case "guard.secret_regenerated":
      return `${actor} regenerated the guard's secret: guards with the old one stop renewing`;
    case "guard.token_renewed":
      return `${actor} renewed the guard's token`;
    case "guard.token_ttl_changed":
      return `${actor} changed the guard token's lifetime from ${duration(m.from) ?? "?"} to ${duration(m.to) ?? "?"}`;
    default:
      return `${actor} did ${event.action}`;
  }
}
