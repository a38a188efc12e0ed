import { CurlSnippet } from "@/components/curl-snippet";
import { env } from "@/env";

/** The curl snippet with the API's real address, for server components (no secret: a placeholder). */
export function CurlExample({ path }: { path?: string }) {
  return <CurlSnippet apiUrl={env.KEYWARD_API_URL} path={path} />;
}
