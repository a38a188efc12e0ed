import type { ReactNode } from "react";

/** A header cell: its label, shown or only read out, and right-aligned for numbers. */
export interface Column {
  label: string;
  srOnly?: boolean;
  align?: "right";
}

/**
 * The dashboard's tables (keys, audit events, companies, operator keys): one header row and the
 * caller's rows, in a region that scrolls sideways on narrow screens. The region is focusable and
 * named, so a keyboard can scroll it (axe scrollable-region-focusable). A column given as false
 * is left out.
 */
export function DataTable({
  label,
  columns,
  testId,
  children,
}: {
  /** Names the scrolling region for screen readers ("Companies table"). */
  label: string;
  columns: (string | Column | false)[];
  testId: string;
  children: ReactNode;
}) {
  const shown = columns.filter((c) => c !== false).map((c) => (typeof c === "string" ? { label: c } : c));
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard to scroll it (axe scrollable-region-focusable).
    <section aria-label={label} className="overflow-x-auto" tabIndex={0}>
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid={testId}>
        <thead className="bg-slate-50/80">
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
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
    </section>
  );
}
