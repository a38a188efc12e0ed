// The guard in process in front of a real upstream, static credentials only (no database):
// 401 without a valid credential (and nothing reaches the upstream), both headers let through,
// credentials stripped, streaming both ways, SSE, WebSocket, 502 when the upstream is down.
import { once } from "node:events";
import { freePort } from "@keyward/child-servers";
import { issueGuardToken } from "@keyward/core";
import { FailedAuthThrottle } from "@keyward/enforcement";
import type { FastifyInstance } from "fastify";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { loadGuardEnv } from "./env";
import { buildGuard } from "./server";
import { GUARD_TEST_SECRET } from "./testing/managed-guard";
import { type Answer, json, startUpstream, type Upstream } from "./testing/upstream";

const SECRET = GUARD_TEST_SECRET;
let upstream: Upstream;
let guard: FastifyInstance;
let url: string;

async function startGuardFor(target: string, authEnabled = true, limit = 1000): Promise<FastifyInstance> {
  const env = loadGuardEnv({ NODE_ENV: "test", LOG_LEVEL: "warn" });
  const app = await buildGuard({
    upstream: new URL(target),
    authEnabled,
    secret: { current: () => SECRET },
    company: null,
    routes: [],
    pipeline: null,
    throttle: new FailedAuthThrottle({ redis: null, limit, windowSeconds: 60 }),
    env,
  });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return app;
}
const addressOf = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

beforeAll(async () => {
  upstream = await startUpstream();
  guard = await startGuardFor(upstream.url);
  url = addressOf(guard);
});

afterAll(async () => {
  await guard?.close();
  await upstream?.close();
});

const reached = () => upstream.seen.length;

describe("401: no valid credential never reaches the upstream", () => {
  it("401 without any credential, WWW-Authenticate without error", async () => {
    const before = reached();
    const res = await fetch(`${url}/vehicles/1`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="keyward"');
    expect(await json(res)).toEqual({ errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] });
    expect(reached()).toBe(before);
  });

  it("401 for a wrong secret, a forged token, an expired token and a managed key without a database", async () => {
    const before = reached();
    const expired = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("keyward-guard")
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(SECRET));
    const cases: Record<string, string>[] = [
      { "keyward-auth-key": `${SECRET}x` },
      { "keyward-auth-key": "" },
      { "keyward-auth-token": (await issueGuardToken("another-secret-0123456789", 3600)).token },
      { "keyward-auth-token": expired },
      { "keyward-auth-token": "not.a.jwt" },
      { authorization: "Bearer kw_live_notakey" },
      { "x-api-key": "kw_live_notakey" },
    ];
    for (const headers of cases) {
      const res = await fetch(`${url}/vehicles/1`, { headers });
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="keyward", error="invalid_token"');
      expect((await json(res)).errors[0].code).toBe("UNAUTHORIZED");
    }
    expect(reached()).toBe(before);
  });

  it("401 on a POST with a body: the upload is not forwarded", async () => {
    const before = reached();
    const res = await fetch(`${url}/upload`, { method: "POST", body: "x".repeat(100_000) });
    expect(res.status).toBe(401);
    expect(reached()).toBe(before);
  });
});

describe("200: the secret or its token", () => {
  it("200 with keyward-auth-key; every credential header is stripped before forwarding", async () => {
    const res = await fetch(`${url}/vehicles/1?x=1`, {
      headers: {
        "keyward-auth-key": SECRET,
        authorization: "Bearer something",
        "x-api-key": "something",
        "x-custom": "kept",
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-upstream")).toBe("yes");
    const body = await json(res);
    expect(body.url).toBe("/vehicles/1?x=1");
    expect(body.headers["x-custom"]).toBe("kept");
    for (const name of ["keyward-auth-key", "keyward-auth-token", "authorization", "x-api-key"]) {
      expect(body.headers[name]).toBeUndefined();
    }
    expect(body.headers["x-forwarded-for"]).toBe("127.0.0.1");
    expect(body.headers["x-forwarded-host"]).toBe(new URL(url).host);
    expect(body.headers["x-forwarded-proto"]).toBe("http");
  });

  it("200 for bodies of any content type, or none, chunked or not", async () => {
    const { request } = await import("node:http");
    const send = (headers: Record<string, string>, chunks: string[]) =>
      new Promise<Answer>((resolve, reject) => {
        const req = request(
          `${url}/upload`,
          { method: "POST", headers: { "keyward-auth-key": SECRET, ...headers } },
          (res) => {
            let text = "";
            res.on("data", (d) => (text += d));
            res.on("end", () => resolve(JSON.parse(text) as Answer));
          },
        );
        req.on("error", reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });
    expect((await send({}, ["abc", "def"])).bytes).toBe(6);
    expect((await send({ "content-type": "application/json" }, ['{"a":', "1}"])).bytes).toBe(7);
    expect((await send({ "content-type": "multipart/form-data; boundary=x" }, ["--x--"])).bytes).toBe(5);
    expect((await send({ "content-length": "4" }, ["wxyz"])).bytes).toBe(4);
  });

  it("200 with keyward-auth-token signed with the secret (the token is not forwarded either)", async () => {
    const { token } = await issueGuardToken(SECRET, 3600);
    const res = await fetch(`${url}/vehicles/2`, { method: "DELETE", headers: { "keyward-auth-token": token } });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body.method).toBe("DELETE");
    expect(body.headers["keyward-auth-token"]).toBeUndefined();
  });

  it("a token signed by jose with the secret (any HS256 issuer of keyward-guard) passes too", async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("keyward-guard")
      .setExpirationTime("1h")
      .sign(new TextEncoder().encode(SECRET));
    expect((await fetch(`${url}/x`, { headers: { "keyward-auth-token": token } })).status).toBe(200);
  });
});

describe("streaming", () => {
  it("a 64 MiB upload is streamed to the upstream, which counts every byte", async () => {
    const size = 64 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).fill(98);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const res = await fetch(`${url}/upload`, {
      method: "POST",
      headers: { "keyward-auth-key": SECRET, "content-type": "application/octet-stream" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(200);
    expect((await json(res)).bytes).toBe(size);
  });

  it("a 64 MiB download streams back", async () => {
    const res = await fetch(`${url}/download/64`, { headers: { "keyward-auth-key": SECRET } });
    expect(res.status).toBe(200);
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    expect(bytes).toBe(64 * 1024 * 1024);
  });

  it("server-sent events arrive one by one, before the stream ends", async () => {
    const res = await fetch(`${url}/events`, { headers: { "keyward-auth-key": SECRET } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    const firstAt = Date.now();
    expect(new TextDecoder().decode(first.value)).toContain("data: tick 1");
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    // The last event comes ~300 ms after the first: the guard did not wait for the end to forward.
    expect(Date.now() - firstAt).toBeGreaterThan(150);
    expect(rest).toContain("data: tick 3");
  });
});

describe("WebSocket", () => {
  it("an upgrade with the secret passes and echoes; the secret does not reach the upstream", async () => {
    const socket = new WebSocket(`${url.replace("http", "ws")}/socket`, { headers: { "keyward-auth-key": SECRET } });
    await once(socket, "open");
    socket.send("hello");
    const [message] = await once(socket, "message");
    expect(String(message)).toBe("echo: hello");
    socket.close();
    const seen = upstream.seen.filter((s) => s.method === "WS").at(-1);
    expect(seen?.url).toBe("/socket");
    expect(seen?.headers["keyward-auth-key"]).toBeUndefined();
  });

  it("401: an upgrade without a credential is refused and never reaches the upstream", async () => {
    const before = upstream.seen.filter((s) => s.method === "WS").length;
    const socket = new WebSocket(`${url.replace("http", "ws")}/socket`);
    const [, response] = (await once(socket, "unexpected-response")) as [unknown, { statusCode: number }];
    expect(response.statusCode).toBe(401);
    socket.on("error", () => {});
    socket.terminate();
    expect(upstream.seen.filter((s) => s.method === "WS").length).toBe(before);
  });
});

describe("502 and auth disabled", () => {
  it("502 with the contract's error body when the upstream is down", async () => {
    const downPort = await freePort();
    const down = await startGuardFor(`http://127.0.0.1:${downPort}`);
    try {
      const res = await fetch(`${addressOf(down)}/anything`, { headers: { "keyward-auth-key": SECRET } });
      expect(res.status).toBe(502);
      const body = await json(res);
      expect(body.errors[0].code).toBe("BAD_GATEWAY");
      expect(body.errors[0].message).toContain(`127.0.0.1:${downPort}`);
      // Still a 401 first: an unauthenticated caller learns nothing about the upstream.
      expect((await fetch(`${addressOf(down)}/anything`)).status).toBe(401);
    } finally {
      await down.close();
    }
  });

  it("authEnabled false lets a request without credentials through", async () => {
    const open = await startGuardFor(upstream.url, false);
    try {
      const res = await fetch(`${addressOf(open)}/open`);
      expect(res.status).toBe(200);
      expect((await json(res)).url).toBe("/open");
    } finally {
      await open.close();
    }
  });

  it("an upstream URL with a path: /a/b?q=1 reaches /api/a/b?q=1", async () => {
    const prefixed = await startGuardFor(`${upstream.url}/api`, false);
    try {
      expect((await json(await fetch(`${addressOf(prefixed)}/a/b?q=1`))).url).toBe("/api/a/b?q=1");
    } finally {
      await prefixed.close();
    }
  });

  it("429 after too many wrong secrets from one IP, even for the right one then", async () => {
    const throttled = await startGuardFor(upstream.url, true, 3);
    try {
      for (let i = 0; i < 3; i++) {
        expect(
          (await fetch(`${addressOf(throttled)}/`, { headers: { "keyward-auth-key": "wrong-secret-xxxxxxxx" } }))
            .status,
        ).toBe(401);
      }
      const res = await fetch(`${addressOf(throttled)}/`, { headers: { "keyward-auth-key": SECRET } });
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBeTruthy();
    } finally {
      await throttled.close();
    }
  });
});
