// One Keyward client for the whole server (its verdict cache and usage counts are shared by every
// route), created at the first request: `next build` imports the routes without the service's env.
import { Keyward } from "@keyward/sdk";
import { env } from "./env";

let client: Keyward | undefined;

export function keyward(): Keyward {
  if (client !== undefined) return client;
  const created = new Keyward({ baseUrl: env().KEYWARD_URL, rootKey: env().KEYWARD_ROOT_KEY });
  // `next start` runs with NEXT_MANUAL_SIG_HANDLE (see package.json), so shutdown is ours: close
  // the SDK (it reports the usage it counted locally), then exit.
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => void created.close().finally(() => process.exit(0)));
  }
  client = created;
  return created;
}
