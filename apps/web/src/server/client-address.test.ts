// The client IP the dashboard's server (server.ts) hands to the app, over a real HTTP connection.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseTrustProxy, type TrustProxy } from "@keyward/auth-core";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_IP_HEADER, declareClientIpStamping, stampClientIp, stampedClientIp } from "./client-address";

const FORGED = "203.0.113.66";
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** What the app would read for a request with `headers`, behind a server that stamps with `trust`. */
async function seenIp(trust: TrustProxy, headers: Record<string, string>): Promise<string | null> {
  server = createServer((req, res) => {
    stampClientIp(req, trust);
    const seen = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") seen.set(name, value);
    res.end(JSON.stringify(stampedClientIp(seen)));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const res = await fetch(`http://127.0.0.1:${port}/`, { headers });
  return (await res.json()) as string | null;
}

describe("the client IP of a dashboard request", () => {
  it("is null when the app does not run behind server.ts (a client could have sent the header)", async () => {
    expect(stampedClientIp(new Headers({ [CLIENT_IP_HEADER]: FORGED }))).toBeNull();
  });

  it("ignores a forged X-Forwarded-For (and a forged stamp) from a peer that is not a trusted proxy", async () => {
    declareClientIpStamping();
    const trust = parseTrustProxy(undefined);
    expect(await seenIp(trust, { "x-forwarded-for": FORGED, [CLIENT_IP_HEADER]: FORGED })).toBe("127.0.0.1");
    expect(await seenIp(parseTrustProxy("10.0.0.0/8"), { "x-forwarded-for": FORGED })).toBe("127.0.0.1");
  });

  it("from a trusted proxy, the hop before it: what the proxy appended, not what the client prepended", async () => {
    declareClientIpStamping();
    expect(await seenIp(parseTrustProxy("127.0.0.1"), { "x-forwarded-for": `${FORGED}, 192.0.2.10` })).toBe(
      "192.0.2.10",
    );
    expect(await seenIp(parseTrustProxy("1"), { "x-forwarded-for": `${FORGED}, 192.0.2.10` })).toBe("192.0.2.10");
    expect(await seenIp(parseTrustProxy("2"), { "x-forwarded-for": `${FORGED}, 192.0.2.10, 10.0.0.1` })).toBe(
      "192.0.2.10",
    );
  });
});
