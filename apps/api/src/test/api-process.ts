// Runs the real API (src/main.ts) as a child process, as production would, for multi-replica tests.
import { fileURLToPath } from "node:url";
import { freePort, type Spawned, type StatusProbe, spawnLogged, waitForHttp } from "@keyward/child-servers";

const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

export interface ApiProcess extends Spawned {
  url: string;
}

/** `tls`: an API with KEYWARD_TLS on, asked over https:// by `probe` (which trusts the test's CA). */
export async function startApiProcess(
  env: Record<string, string>,
  tls?: { probe: StatusProbe; logLevel?: string },
): Promise<ApiProcess> {
  const port = await freePort();
  const api = spawnLogged(process.execPath, ["--import", "tsx", MAIN], {
    name: "API",
    env: { ...process.env, ...env, API_PORT: String(port), API_HOST: "127.0.0.1", LOG_LEVEL: tls?.logLevel ?? "warn" },
  });
  const url = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  await waitForHttp(`${url}/v1/health`, api, 60_000, tls?.probe);
  return { ...api, url };
}
