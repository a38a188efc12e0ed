// The CLI's calls to the Keyward API: with KEYWARD_API_KEY when set, else the token `login` stored.
// Any refusal of the API (4xx, 5xx) is exit 1 with the API's own message and what to do next.

import { DEFAULT_API_URL, readLogin } from "./config-file";
import type { Env } from "./env";
import { CliError, EXIT } from "./errors";

export interface ApiClient {
  apiUrl: string;
  /** The parsed JSON answer of a 2xx; throws CliError otherwise. */
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
}

const NOT_LOGGED_IN =
  "not logged in: run `pnpm keyward login --email you@example.com --password ...` or set KEYWARD_API_KEY";

export function apiClient(env: Env, apiUrlFlag?: string): ApiClient {
  const login = env.KEYWARD_API_KEY ? null : readLogin(env);
  const credential = env.KEYWARD_API_KEY ?? login?.token;
  if (!credential) throw new CliError(EXIT.usage, NOT_LOGGED_IN);
  const apiUrl = (apiUrlFlag ?? env.KEYWARD_API_URL ?? login?.apiUrl ?? DEFAULT_API_URL).replace(/\/$/, "");
  return {
    apiUrl,
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      return request<T>(apiUrl, method, path, body, credential, env.KEYWARD_API_KEY !== undefined);
    },
  };
}

interface ErrorBody {
  errors?: { code?: string; message?: string; details?: { issues?: { path?: unknown[]; message?: string }[] } }[];
}

export async function request<T>(
  apiUrl: string,
  method: string,
  path: string,
  body: unknown,
  credential: string | null,
  usingApiKey = false,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: {
        ...(credential ? { authorization: `Bearer ${credential}` } : {}),
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new CliError(
      EXIT.refused,
      `cannot reach the API at ${apiUrl}: is it running (\`pnpm start\`)? Point the CLI elsewhere with --api-url or KEYWARD_API_URL`,
    );
  }
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: reported below by status
  }
  if (res.ok) return parsed as T;
  const error = (parsed as ErrorBody | null)?.errors?.[0];
  const issues = (error?.details?.issues ?? [])
    .map((i) => `\n  ${(i.path ?? []).join(".") || "(body)"}: ${i.message ?? ""}`)
    .join("");
  const hint =
    res.status === 401 && credential === null
      ? " (check the email and password)"
      : res.status === 401
        ? usingApiKey
          ? " (KEYWARD_API_KEY was refused: check it is a current key)"
          : " (your login may have expired: run `pnpm keyward login` again)"
        : res.status === 403
          ? " (the credential lacks a scope this needs)"
          : "";
  throw new CliError(
    EXIT.refused,
    `${res.status} ${error?.code ?? res.statusText}: ${error?.message ?? (text.slice(0, 200) || "no body")}${issues}${hint}`,
  );
}
