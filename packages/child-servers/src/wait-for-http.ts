import { lastLines, type Spawned } from "./spawned";

const POLL_INTERVAL_MS = 200;
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Asks `url` until it answers below 400 (redirects not followed: a login page that redirects is up);
 * fails at once with the child's output if the child exits first, or after `timeoutMs`.
 */
export async function waitForHttp(url: string, spawned: Spawned, timeoutMs = 60_000): Promise<void> {
  const { child, name } = spawned;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.exitCode !== null ? `with code ${child.exitCode}` : `on ${child.signalCode}`;
      throw new Error(`${name} exited ${how} before ${url} answered:\n${lastLines(spawned.output())}`);
    }
    try {
      const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await response.body?.cancel();
      if (response.status < 400) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000}s:\n${lastLines(spawned.output())}`);
}
