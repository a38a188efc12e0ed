// The dashboard's tables (keys, companies, operator keys): a table from 768 px up and a list of
// stacked cards below it, so a phone never scrolls sideways and no column (status!) is cut off. One
// markup for both: rows use `tableRow`, cells `tableCell` (or `tableWideCell` for a cell spanning the
// card), and each cell names its column with CellLabel, shown only where the header row is not.
import type { ReactNode } from "react";

/** A header cell: its label, shown or only read out, and right-aligned for numbers. */
export interface Column {
  label: string;
  srOnly?: boolean;
  align?: "right";
}

export const tableRow = "grid grid-cols-2 gap-x-4 gap-y-2 px-4 py-3 md:table-row md:p-0";
export const tableCell = "min-w-0 md:table-cell md:px-4 md:py-3";
/** A cell across the whole card on a phone: the name, the actions. */
export const tableWideCell = `col-span-2 ${tableCell}`;

/** The column's name inside a cell, for the stacked layout only. */
export function CellLabel({ children }: { children: ReactNode }) {
  return <span className="block text-xs font-medium text-slate-500 md:hidden">{children}</span>;
}

/** A column given as false is left out. */
export function DataTable({
  columns,
  testId,
  children,
}: {
  columns: (string | Column | false)[];
  testId: string;
  children: ReactNode;
}) {
  const shown = columns.filter((c) => c !== false).map((c) => (typeof c === "string" ? { label: c } : c));
  return (
    <table className="block w-full text-sm md:table md:min-w-full md:divide-y md:divide-slate-200" data-testid={testId}>
      <thead className="hidden bg-slate-50/80 md:table-header-group">
        <tr className="text-left text-xs font-medium tracking-wide whitespace-nowrap text-slate-500 uppercase">
          {shown.map((column) => (
            <th
              key={column.label}
              scope="col"
              className={column.align === "right" ? "px-4 py-3 text-right" : "px-4 py-3"}
            >
              {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className="block divide-y divide-slate-100 md:table-row-group">{children}</tbody>
    </table>
  );
}
