import { lastLines, type Spawned } from "./spawned";

const POLL_INTERVAL_MS = 200;
const REQUEST_TIMEOUT_MS = 5_000;

/** The status `url` answers with (redirects not followed); throws while nothing listens. */
export type StatusProbe = (url: string) => Promise<number>;

async function fetchStatus(url: string): Promise<number> {
  const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await response.body?.cancel();
  return response.status;
}

/**
 * Asks `url` until it answers below 400 (redirects not followed: a login page that redirects is up);
 * fails at once with the child's output if the child exits first, or after `timeoutMs`. `probe` asks
 * differently, e.g. over TLS trusting a test CA.
 */
export async function waitForHttp(
  url: string,
  spawned: Spawned,
  timeoutMs = 60_000,
  probe: StatusProbe = fetchStatus,
): Promise<void> {
  const { child, name } = spawned;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.exitCode !== null ? `with code ${child.exitCode}` : `on ${child.signalCode}`;
      throw new Error(`${name} exited ${how} before ${url} answered:\n${lastLines(spawned.output())}`);
    }
    try {
      if ((await probe(url)) < 400) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000}s:\n${lastLines(spawned.output())}`);
}
