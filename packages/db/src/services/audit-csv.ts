// The audit log as CSV, one format for the API's export and the dashboard's.
import { stringify } from "csv-stringify/sync";
import type { PublicAuditEvent } from "./audit-query";

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

/** RFC 4180 line endings, which spreadsheets expect. */
export const AUDIT_CSV_RECORD_DELIMITER = "windows";

/**
 * A spreadsheet runs a cell that starts with = + - @ (or tab / carriage return) as a formula: a
 * user agent like `=HYPERLINK(...)` must stay text. The leading quote is OWASP's advice.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** CSV lines for one page of events, with the header row when `header` is set. */
export function auditCsv(events: readonly PublicAuditEvent[], header = false): string {
  return stringify(events as PublicAuditEvent[], {
    header,
    columns: AUDIT_CSV_COLUMNS,
    record_delimiter: AUDIT_CSV_RECORD_DELIMITER,
    cast: { string: neutralizeFormula, object: (value) => neutralizeFormula(JSON.stringify(value)) },
  });
}
