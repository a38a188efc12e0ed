// Debian's pebble, Let's Encrypt's ACME test server, with its mock DNS (pebble-challtestsrv) answering
// 127.0.0.1 for every name, so a certificate for any name is validated against a server on this
// machine. Pebble's own HTTPS uses a certificate from a test CA (`directoryCaFile`); the certificates it
// issues chain to a root it makes per run (`root()`). Its random behaviour is switched off: no random
// sleeps, no rejected nonces, no reused authorizations, so a test sees the same thing every run.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { createTestCa } from "./certificates";
import { freePort } from "./free-port";
import { lastLines, type Spawned, spawnLogged } from "./spawned";

export interface Pebble {
  directoryUrl: string;
  /** The CA file to trust for pebble's own HTTPS (KEYWARD_ACME_CA_FILE). */
  directoryCaFile: string;
  /** The port pebble validates HTTP-01 challenges on (KEYWARD_ACME_HTTP_PORT). */
  httpPort: number;
  /** The root that the certificates pebble issues chain to (PEM). */
  root(): Promise<string>;
  stop(): Promise<void>;
}

export async function startPebble(): Promise<Pebble> {
  for (const command of ["pebble", "pebble-challtestsrv"]) {
    if (spawnSync(command, ["-h"]).error) {
      throw new Error(`${command} is not installed: the HTTPS tests need Debian's pebble (apt-get install pebble)`);
    }
  }
  const ca = createTestCa("Pebble listener CA");
  const listener = ca.issue(["127.0.0.1", "localhost"]);
  const dir = join(ca.certFile, "..");
  writeFileSync(join(dir, "pebble.pem"), listener.cert);
  writeFileSync(join(dir, "pebble.key"), listener.key);
  const [acmePort, managementPort, httpPort, tlsPort, dnsPort, dnsManagementPort] = (await Promise.all(
    Array.from({ length: 6 }, () => freePort()),
  )) as [number, number, number, number, number, number];
  writeFileSync(
    join(dir, "pebble.json"),
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: join(dir, "pebble.pem"),
        privateKey: join(dir, "pebble.key"),
        httpPort,
        tlsPort,
        ocspResponderURL: "",
        externalAccountBindingRequired: false,
      },
    }),
  );
  const children: Spawned[] = [];
  const stop = async () => {
    await Promise.all(children.map((c) => c.stop()));
    ca.remove();
  };
  try {
    children.push(
      spawnLogged(
        "pebble-challtestsrv",
        [
          "-defaultIPv4",
          "127.0.0.1",
          "-defaultIPv6",
          "",
          "-dns01",
          `127.0.0.1:${dnsPort}`,
          "-http01",
          "",
          "-https01",
          "",
          "-tlsalpn01",
          "",
          "-management",
          `127.0.0.1:${dnsManagementPort}`,
        ],
        { name: "pebble-challtestsrv" },
      ),
    );
    const pebble = spawnLogged("pebble", ["-config", join(dir, "pebble.json"), "-dnsserver", `127.0.0.1:${dnsPort}`], {
      name: "pebble",
      env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0", PEBBLE_AUTHZREUSE: "0" },
    });
    children.push(pebble);
    const directoryUrl = `https://127.0.0.1:${acmePort}/dir`;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (pebble.child.exitCode !== null) throw new Error(`pebble exited:\n${lastLines(pebble.output())}`);
      if ((await httpsGet(directoryUrl, ca.cert).catch(() => null))?.status === 200) break;
      if (Date.now() > deadline)
        throw new Error(`pebble did not answer ${directoryUrl}:\n${lastLines(pebble.output())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return {
      directoryUrl,
      directoryCaFile: ca.certFile,
      httpPort,
      root: async () => (await httpsGet(`https://127.0.0.1:${managementPort}/roots/0`, ca.cert)).body,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: 5000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}
