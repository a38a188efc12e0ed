// Calling the API the way a service does, with a key.
import { stackUrl } from "./env";

/** The status of `GET /v1/me` with `key`. */
export async function meStatus(key: string): Promise<number> {
  const response = await fetch(`${stackUrl("E2E_API_URL")}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
  await response.body?.cancel();
  return response.status;
}
