// The audit log as CSV, one format for the API's export and the dashboard's.
import type { Options } from "csv-stringify";
import { stringify } from "csv-stringify/sync";
import type { PublicAuditEvent } from "./public-event";

export const AUDIT_CSV_COLUMNS: (keyof PublicAuditEvent)[] = [
  "id",
  "seq",
  "createdAt",
  "actorType",
  "actorId",
  "action",
  "targetType",
  "targetId",
  "keyId",
  "fingerprint",
  "ip",
  "userAgent",
  "reason",
  "metadata",
  "prevHash",
  "hash",
];

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab / carriage return) as a formula, also
 * after leading whitespace some of them skip: a user agent like `=HYPERLINK(...)` must stay text.
 * The leading quote is OWASP's advice.
 */
export function neutralizeFormula(value: string): string {
  return /^(?:\s*[=+\-@]|[\t\r])/.test(value) ? `'${value}` : value;
}

/**
 * How every audit CSV is written (the API's stream and the dashboard's download): RFC 4180 line
 * endings, which spreadsheets expect; every field quoted, so a `,` or `;` inside one never splits
 * it in any locale (a `;` locale would read `ok;=1+1` unquoted as two cells, the second a formula).
 */
export const AUDIT_CSV_OPTIONS = {
  columns: AUDIT_CSV_COLUMNS,
  record_delimiter: "windows",
  quoted: true,
  quoted_empty: true,
  cast: { string: neutralizeFormula, object: (value) => neutralizeFormula(JSON.stringify(value)) },
} satisfies Options;

/** CSV lines for one page of events, with the header row when `header` is set. */
export function auditCsv(events: readonly PublicAuditEvent[], header = false): string {
  return stringify(events as PublicAuditEvent[], { ...AUDIT_CSV_OPTIONS, header });
}
