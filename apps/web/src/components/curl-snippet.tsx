/**
 * How a service uses a key, runnable as shown: it sets KEYWARD_KEY itself, to the secret when the
 * caller has it (the once-shown panel after creating a key) and to a placeholder otherwise.
 */
export function CurlSnippet({
  apiUrl,
  secret,
  path = "/v1/me",
}: {
  apiUrl: string;
  /** Only from the action's answer that created the key: this snippet then holds it as long as that panel. */
  secret?: string;
  path?: string;
}) {
  const prompt = <span className="text-slate-500">$ </span>;
  return (
    <pre
      className="overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-100"
      data-testid="curl-example"
    >
      {prompt}export KEYWARD_KEY=<span className="text-emerald-300">{secret ?? "<your key>"}</span>
      {"\n"}
      {prompt}curl {apiUrl}
      {path} \{"\n"}
      {"    "}-H <span className="text-emerald-300">"Authorization: Bearer $KEYWARD_KEY"</span>
    </pre>
  );
}
