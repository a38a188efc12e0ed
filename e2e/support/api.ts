// Calling the API the way a service does, with a key.
import { stackUrl } from "./env";

/** The status of `GET /v1/me` with `key`. */
export async function meStatus(key: string): Promise<number> {
  const response = await fetch(`${stackUrl("E2E_API_URL")}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
  await response.body?.cancel();
  return response.status;
}

/** `POST /v1/keys/verify` of `key` with the `caller`'s credential: the status, and the verdict when it is a 200. */
export async function verifyStatus(
  caller: string,
  key: string,
): Promise<{ status: number; body: { valid?: boolean; code?: string; company?: { name: string } } }> {
  const response = await fetch(`${stackUrl("E2E_API_URL")}/v1/keys/verify`, {
    method: "POST",
    headers: { authorization: `Bearer ${caller}`, "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });
  return { status: response.status, body: await response.json() };
}
