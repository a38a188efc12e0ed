// Child process for figure 11: a service with three routes that differ only in how they check the
// caller's key, on plain node:http so nothing but the check differs:
//
//   GET /open          no check
//   GET /sdk           @keyward/sdk's verifyKey (cached verdicts, kept fresh by the change stream)
//   GET /verify-each   what a service does without the SDK: POST /v1/keys/verify on every request
//   GET /stats         the SDK's network verifies so far and whether its stream is live (not measured)
import { createServer, type ServerResponse } from "node:http";
import { Keyward } from "@keyward/sdk";

const baseUrl = process.env.KEYWARD_URL as string;
const rootKey = process.env.KEYWARD_ROOT_KEY as string;
const port = Number(process.env.PORT);
const SCOPES = ["bench:read"];
const BODY = JSON.stringify({ vehicles: ["AB-123-CD"] });

let networkVerifies = 0;
const keyward = new Keyward({
  baseUrl,
  rootKey,
  fetch: (input, init) => {
    if (String(input).endsWith("/v1/keys/verify")) networkVerifies++;
    return fetch(input, init);
  },
});

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

const REFUSED = JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "Invalid or missing API key" }] });

createServer((req, res) => {
  const header = req.headers.authorization ?? "";
  const key = header.startsWith("Bearer ") ? header.slice(7) : "";
  if (req.url === "/open") return answer(res, 200, BODY);
  if (req.url === "/sdk") {
    keyward.verifyKey({ key, requiredScopes: SCOPES }).then(
      (verdict) => answer(res, verdict.valid ? 200 : 401, verdict.valid ? BODY : REFUSED),
      () => answer(res, 503, REFUSED),
    );
    return;
  }
  if (req.url === "/verify-each") {
    fetch(`${baseUrl}/v1/keys/verify`, {
      method: "POST",
      headers: { authorization: `Bearer ${rootKey}`, "content-type": "application/json" },
      body: JSON.stringify({ key, requiredScopes: SCOPES }),
    })
      .then((r) => r.json() as Promise<{ valid: boolean }>)
      .then(
        (verdict) => answer(res, verdict.valid ? 200 : 401, verdict.valid ? BODY : REFUSED),
        () => answer(res, 503, REFUSED),
      );
    return;
  }
  if (req.url === "/stats") return answer(res, 200, JSON.stringify({ networkVerifies, live: keyward.live }));
  answer(res, 404, "{}");
}).listen(port, "127.0.0.1");

process.on("SIGTERM", () => {
  void keyward.close().then(() => process.exit(0));
});
