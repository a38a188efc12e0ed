/** A key's scopes as chips: the first three, and how many more (all of them in the tooltip). */
export function ScopeChips({ scopes, testId }: { scopes: string[]; testId: string }) {
  const shown = scopes.slice(0, 3);
  const more = scopes.length - shown.length;
  return (
    <div className="flex max-w-64 flex-wrap gap-1" data-testid={testId}>
      {shown.map((scope) => (
        <code key={scope} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
          {scope}
        </code>
      ))}
      {more > 0 ? (
        <span className="px-1 text-xs text-slate-500" title={scopes.join(", ")}>
          +{more}
        </span>
      ) : null}
    </div>
  );
}
