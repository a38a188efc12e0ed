import { env } from "@/env";

/** How a service uses a key, with the API's real address. */
export function CurlExample({
  keyPlaceholder = "$KEYWARD_KEY",
  path = "/v1/me",
}: {
  keyPlaceholder?: string;
  path?: string;
}) {
  return (
    <pre
      className="overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-100"
      data-testid="curl-example"
    >
      <span className="text-slate-500">$ </span>curl {env.KEYWARD_API_URL}
      {path} \{"\n"}
      {"    "}-H <span className="text-emerald-300">"Authorization: Bearer {keyPlaceholder}"</span>
    </pre>
  );
}
