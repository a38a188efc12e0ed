import type { PublicAuditEvent } from "@keyward/core";
import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import { card } from "@/components/styles";

/** Who did it, in words: a member's email, a key's name, "Operator <email>", or "System". */
export function actorLabel(event: PublicAuditEvent, names: ReadonlyMap<string, string>): string {
  if (event.actorType === "system" || !event.actorId) return "System";
  const name = names.get(event.actorId);
  if (event.actorType === "key") return name ? `Key ${name}` : `Key ${event.fingerprint ?? event.actorId.slice(0, 8)}`;
  if (event.actorType === "operator") return `Operator ${name ?? event.actorId.slice(0, 8)}`;
  if (event.actorType === "operator_key") return `Operator key ${event.fingerprint ?? event.actorId.slice(0, 8)}`;
  return name ?? `User ${event.actorId.slice(0, 8)}`;
}

/** Audit events as a table. Every value is rendered as text; metadata is shown as JSON, never as markup. */
export function AuditTable({
  events,
  names,
  showKey = true,
}: {
  events: PublicAuditEvent[];
  names: ReadonlyMap<string, string>;
  showKey?: boolean;
}) {
  return (
    <div className={`${card} overflow-hidden`}>
      <DataTable
        label="Audit events"
        testId="audit-table"
        columns={["Time (UTC)", "Actor", "Action", showKey && "Key", "IP", "Details"]}
      >
        {events.map((event) => (
          <tr key={event.id} data-testid="audit-row" data-action={event.action} className="align-top">
            <td className="px-4 py-3 whitespace-nowrap text-slate-600">{formatDateTime(event.createdAt)}</td>
            <td className="px-4 py-3 text-slate-800">{actorLabel(event, names)}</td>
            <td className="px-4 py-3">
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">
                {event.action}
              </code>
            </td>
            {showKey ? (
              <td className="px-4 py-3 whitespace-nowrap">
                {event.keyId ? (
                  <Link
                    href={`/keys/${event.keyId}`}
                    className="font-medium text-indigo-700 underline-offset-2 hover:underline"
                  >
                    {names.get(event.keyId) ?? event.fingerprint ?? event.keyId.slice(0, 8)}
                  </Link>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </td>
            ) : null}
            <td className="px-4 py-3 font-mono text-xs whitespace-nowrap text-slate-600">{event.ip ?? "—"}</td>
            <td className="max-w-md min-w-64 px-4 py-3 text-xs break-words text-slate-600">
              {event.reason ? <p className="font-medium text-slate-700">Reason: {event.reason}</p> : null}
              {event.metadata ? <p className="font-mono break-all">{JSON.stringify(event.metadata)}</p> : null}
            </td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
