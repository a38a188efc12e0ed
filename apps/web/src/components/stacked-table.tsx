// A table that is a table from 768 px up and a list of stacked cards below it, so a phone never
// scrolls sideways and no column (status!) is cut off. One markup for both: the cells carry their
// column's name for the narrow layout, hidden where the header row shows it.
import type { ReactNode } from "react";

export const stacked = {
  table: "block w-full text-sm md:table md:min-w-full md:divide-y md:divide-slate-200",
  head: "hidden bg-slate-50/80 md:table-header-group",
  headRow: "text-left text-xs font-medium tracking-wide whitespace-nowrap text-slate-500 uppercase",
  headCell: "px-4 py-3",
  body: "block divide-y divide-slate-100 md:table-row-group",
  row: "grid grid-cols-2 gap-x-4 gap-y-2 px-4 py-3 md:table-row md:p-0",
  cell: "min-w-0 md:table-cell md:px-4 md:py-3",
  /** A cell that spans the card's width on a phone (the name, the actions). */
  wideCell: "col-span-2 min-w-0 md:table-cell md:px-4 md:py-3",
};

/** The column's name inside a cell, shown only when the header row is not. */
export function CellLabel({ children }: { children: ReactNode }) {
  return <span className="block text-xs font-medium text-slate-500 md:hidden">{children}</span>;
}
