// Tables for people, JSON for scripts (`--json` prints the API's answer as it came).
import Table from "cli-table3";

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function printTable(head: string[], rows: (string | number | null | undefined)[][]): void {
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? "-" : String(cell))));
  process.stdout.write(`${table.toString()}\n`);
}

/** `2026-11-23T00:31:35.000Z` → `2026-11-23 00:31`; null → `-`. */
export function shortDate(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : "-";
}
