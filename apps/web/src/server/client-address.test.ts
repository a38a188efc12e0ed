// The client IP and the protocol the dashboard's server (server.ts) hands to the app, over real connections.
import { createServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { parseTrustProxy, type TrustProxy } from "@keyward/auth-core";
import { createTestCa } from "@keyward/child-servers/certificates";
import { get } from "@keyward/child-servers/tls-client";
import { afterEach, describe, expect, it } from "vitest";
import {
  CLIENT_IP_HEADER,
  declareClientIpStamping,
  stampClientIp,
  stampedClientIp,
  stampForwardedProto,
} from "./client-address";

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

describe("the protocol a dashboard request arrived by (X-Forwarded-Proto, next-auth's Secure-cookie switch)", () => {
  /** What the app would read for a request with `headers` over plain HTTP, behind a server that stamps with `trust`. */
  async function seenProto(trust: TrustProxy, headers: Record<string, string>): Promise<string | undefined> {
    server = createServer((req, res) => {
      stampForwardedProto(req, trust);
      res.end(JSON.stringify(req.headers["x-forwarded-proto"]));
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return (await (await fetch(`http://127.0.0.1:${port}/`, { headers })).json()) as string | undefined;
  }

  it("is http over plain HTTP, whatever a client that is not a trusted proxy claims", async () => {
    expect(await seenProto(parseTrustProxy(undefined), {})).toBe("http");
    expect(await seenProto(parseTrustProxy(undefined), { "x-forwarded-proto": "https" })).toBe("http");
    expect(await seenProto(parseTrustProxy("10.0.0.0/8"), { "x-forwarded-proto": "https" })).toBe("http");
  });

  it("is the nearest trusted proxy's value, and only http or https", async () => {
    const trust = parseTrustProxy("127.0.0.1");
    expect(await seenProto(trust, { "x-forwarded-proto": "https" })).toBe("https");
    expect(await seenProto(trust, { "x-forwarded-proto": "https, http" })).toBe("http");
    expect(await seenProto(trust, { "x-forwarded-proto": "HTTPS" })).toBe("https");
    expect(await seenProto(trust, { "x-forwarded-proto": "gopher" })).toBe("http");
  });

  it("is https over the dashboard's own TLS, whatever the header says", async () => {
    const ca = createTestCa();
    const pair = ca.issue(["127.0.0.1"]);
    const tlsServer = createHttpsServer(pair, (req, res) => {
      stampForwardedProto(req, parseTrustProxy(undefined));
      res.end(JSON.stringify(req.headers["x-forwarded-proto"]));
    });
    try {
      await new Promise<void>((resolve) => tlsServer.listen(0, "127.0.0.1", resolve));
      const { port } = tlsServer.address() as AddressInfo;
      const answer = await get(`https://127.0.0.1:${port}/`, { ca: ca.cert, headers: { "x-forwarded-proto": "http" } });
      expect(JSON.parse(answer.body)).toBe("https");
    } finally {
      tlsServer.close();
      ca.remove();
    }
  });
});
