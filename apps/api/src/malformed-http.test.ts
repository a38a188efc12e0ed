// Requests the HTTP parser rejects must still get the contract's error body, never Node's default.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, type Harness, startHarness } from "./test/harness";

let h: Harness;
let port: number;
beforeAll(async () => {
  h = await startHarness();
  await h.app.listen({ port: 0, host: "127.0.0.1" });
  port = (h.app.server.address() as { port: number }).port;
});
afterAll(() => h.close());

function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: "127.0.0.1" }, () => socket.write(text));
    let answer = "";
    socket.on("data", (d) => (answer += d));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("malformed HTTP", () => {
  it("400 with the contract's body for a control character in a header, nothing written", async () => {
    const before = await h.db.apiKey.count();
    const answer = await rawRequest(`GET /v1/keys HTTP/1.1\r\nHost: x\r\nX-API-Key: ${h.adminKey}\u0001\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4))).toEqual({
      errors: [{ code: "VALIDATION_FAILED", message: "Malformed HTTP request" }],
    });
    expect(answer).not.toContain(h.adminKey);
    expect(await h.db.apiKey.count()).toBe(before);
  });

  it("431 with the contract's body for a 20 kB header", async () => {
    const answer = await rawRequest(`GET /v1/keys HTTP/1.1\r\nHost: x\r\nX-API-Key: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('"code":"VALIDATION_FAILED"');
  });

  it("401, not 5xx, for a 10 kB key", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/v1/keys`, {
      headers: { "x-api-key": `kw_live_${"a".repeat(10_000)}` },
    });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { errors: { code: string }[] };
    expect(body.errors[0]?.code).toBe("UNAUTHORIZED");
  });

  // Found by the abuse fuzzer (src/abuse): Fastify answers these two itself, in its own body.
  it("400 VALIDATION_FAILED with the contract's body for a malformed percent-encoding in the path, which is not echoed", async () => {
    const res = await h.app.inject({ method: "GET", url: "/v1/keys/%E0%A4%A", headers: bearer(h.adminKey) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ errors: [{ code: "VALIDATION_FAILED", message: "Malformed URL" }] });
  });

  it("400 VALIDATION_FAILED with the contract's body for a path parameter over 200 characters", async () => {
    const res = await h.app.inject({ method: "GET", url: `/v1/keys/${"a".repeat(300)}`, headers: bearer(h.adminKey) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ errors: [{ code: "VALIDATION_FAILED", message: "Path parameter too long" }] });
  });
});
