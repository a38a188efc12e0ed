// The audit log as a list of sentences ("billing-service refused 12× — rate limited, from 10.0.0.7"),
// each with its time in the reader's locale and the raw event behind a disclosure. A list, not a table:
// it reads on a 390 px phone without sideways scrolling. Every value is rendered as text, never markup.
import { describeAuditEvent, type PublicAuditEvent } from "@keyward/core";
import Link from "next/link";
import { LocalTime } from "@/components/local-time";
import { card } from "@/components/styles";

/** What the disclosure shows: the event as the API returns it, minus what the sentence already says. */
function detailsOf(event: PublicAuditEvent) {
  const { id, createdAt, prevHash, ...rest } = event;
  return rest;
}

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
    <ol aria-label="Audit events" className={`${card} divide-y divide-slate-100`} data-testid="audit-table">
      {events.map((event) => (
        <li key={event.id} data-testid="audit-row" data-action={event.action} className="px-4 py-3 text-sm">
          <div className="flex flex-col gap-0.5 sm:flex-row sm:items-baseline sm:justify-between sm:gap-4">
            <p className="min-w-0 break-words text-slate-900" data-testid="audit-sentence">
              {describeAuditEvent(event, names)}
            </p>
            <LocalTime iso={event.createdAt} className="shrink-0 text-xs whitespace-nowrap text-slate-500" />
          </div>
          <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-500">
            <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">{event.action}</code>
            {showKey && event.keyId ? (
              <Link
                href={`/keys/${event.keyId}`}
                className="font-medium text-indigo-700 underline-offset-2 hover:underline"
              >
                Key {names.get(event.keyId) ?? event.fingerprint ?? event.keyId.slice(0, 8)}
              </Link>
            ) : null}
            {event.ip ? <span className="font-mono">IP {event.ip}</span> : null}
            <details className="group basis-full sm:basis-auto">
              <summary className="cursor-pointer font-medium text-slate-600 hover:text-slate-900">Details</summary>
              <pre className="mt-2 rounded-md bg-slate-50 p-3 font-mono text-xs break-all whitespace-pre-wrap text-slate-700">
                {JSON.stringify(detailsOf(event), null, 2)}
              </pre>
            </details>
          </div>
        </li>
      ))}
    </ol>
  );
}
