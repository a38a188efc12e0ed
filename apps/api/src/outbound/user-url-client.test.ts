// The outbound client against real local servers: every way of naming the operator's own machine is
// refused before a socket opens, a name is resolved once and the socket goes to the checked address
// (a later DNS answer is never used), and redirects are answers, not followed.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { NO_ALLOWED_HOSTS, parseAllowedHosts } from "@keyward/auth-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OutboundRequest, type Resolve, UserUrlClient } from "./user-url-client";

interface Local {
  server: Server;
  port: number;
  connections: number;
  requests: { host: string | undefined; url: string | undefined }[];
}

async function listen(handler: (res: import("node:http").ServerResponse) => void): Promise<Local> {
  const local = { connections: 0, requests: [] } as unknown as Local;
  local.server = createServer((req, res) => {
    local.requests.push({ host: req.headers.host, url: req.url });
    req.resume();
    req.on("end", () => handler(res));
  });
  local.server.on("connection", () => local.connections++);
  await new Promise<void>((resolve) => local.server.listen(0, "127.0.0.1", resolve));
  local.port = (local.server.address() as AddressInfo).port;
  return local;
}

let ok: Local;
let redirecting: Local;
let silent: Local;

beforeAll(async () => {
  ok = await listen((res) => {
    res.statusCode = 204;
    res.end();
  });
  redirecting = await listen((res) => {
    res.statusCode = 302;
    res.setHeader("location", `http://127.0.0.1:${ok.port}/redirected`);
    res.end();
  });
  silent = await listen(() => {}); // never answers
});
afterAll(async () => {
  for (const local of [ok, redirecting, silent]) {
    local.server.closeAllConnections();
    await new Promise((resolve) => local.server.close(resolve));
  }
});

const request: OutboundRequest = {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: "{}",
  timeoutMs: 5000,
};

/** A resolver that answers from a script, one answer per call, and counts the calls. */
function scripted(...answers: string[][]): Resolve & { calls: number } {
  const counted = { calls: 0 };
  const resolve: Resolve = async () => {
    const answer = answers[Math.min(counted.calls++, answers.length - 1)] ?? [];
    return answer.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
  return Object.defineProperty(resolve, "calls", { get: () => counted.calls }) as Resolve & { calls: number };
}

describe("UserUrlClient", () => {
  it("refuses every form of a loopback, private, link-local or metadata address, and never connects", async () => {
    const client = new UserUrlClient({ allowed: NO_ALLOWED_HOSTS });
    const port = ok.port;
    const targets = [
      `http://localhost:${port}/`, // resolved by the system: /etc/hosts
      `http://127.0.0.1:${port}/`,
      `http://127.1:${port}/`,
      `http://2130706433:${port}/`,
      `http://0x7f000001:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://[::1]:${port}/`,
      `http://0.0.0.0:${port}/`,
      `http://[::]:${port}/`,
      "http://169.254.169.254/latest/meta-data/",
      "http://10.0.0.1/",
      "http://192.168.0.1/",
      "http://[fd00::1]/",
      "http://[fe80::1]/",
    ];
    for (const target of targets) {
      expect(await client.send(target, request), target).toEqual({ kind: "refused", reason: expect.any(String) });
    }
    expect(ok.connections).toBe(0);
  });

  it("checks every address of the answer: a public address next to a private one is refused", async () => {
    const resolve = scripted(["93.184.215.14", "127.0.0.1"]);
    const client = new UserUrlClient({ allowed: NO_ALLOWED_HOSTS, resolve });
    expect((await client.send(`http://mixed.example.com:${ok.port}/`, request)).kind).toBe("refused");
    const privateFirst = new UserUrlClient({
      allowed: NO_ALLOWED_HOSTS,
      resolve: scripted(["127.0.0.1"], ["8.8.8.8"]),
    });
    expect((await privateFirst.send(`http://rebind.example.com:${ok.port}/`, request)).kind).toBe("refused");
    expect(ok.connections).toBe(0);
  });

  it("resolves once and connects to that address with the URL's Host: a second DNS answer (rebinding) is never used", async () => {
    // Allowed by name, so its loopback answer passes; the second answer would send the socket elsewhere.
    const resolve = scripted(["127.0.0.1"], ["192.0.2.1"]);
    const client = new UserUrlClient({ allowed: parseAllowedHosts("hooks.test"), resolve });
    const result = await client.send(`http://hooks.test:${ok.port}/hook`, request);
    expect(result).toEqual({ kind: "response", status: 204 });
    expect(resolve.calls).toBe(1);
    expect(ok.requests.at(-1)).toEqual({ host: `hooks.test:${ok.port}`, url: "/hook" });
  });

  it("KEYWARD_WEBHOOK_ALLOW_HOSTS: an allowed host:port is sent to, the same host on another port is not", async () => {
    const client = new UserUrlClient({ allowed: parseAllowedHosts(`127.0.0.1:${ok.port}`) });
    expect(await client.send(`http://127.0.0.1:${ok.port}/allowed`, request)).toEqual({
      kind: "response",
      status: 204,
    });
    const before = redirecting.connections;
    expect((await client.send(`http://127.0.0.1:${redirecting.port}/`, request)).kind).toBe("refused");
    expect(redirecting.connections).toBe(before);
  });

  it("a redirect is the answer, not followed", async () => {
    const client = new UserUrlClient({ allowed: parseAllowedHosts("127.0.0.1") });
    const before = ok.requests.length;
    expect(await client.send(`http://127.0.0.1:${redirecting.port}/`, request)).toEqual({
      kind: "response",
      status: 302,
    });
    expect(ok.requests.length).toBe(before);
  });

  it("a receiver that never answers fails with 'Timed out'", async () => {
    const client = new UserUrlClient({ allowed: parseAllowedHosts("127.0.0.1") });
    const result = await client.send(`http://127.0.0.1:${silent.port}/`, { ...request, timeoutMs: 300 });
    expect(result).toEqual({ kind: "failed", error: "Timed out" });
  });
});
