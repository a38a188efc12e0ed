// server.ts's start with KEYWARD_TLS: what it refuses, before Next.js is prepared (so no build is
// needed). The dashboard actually serving HTTPS is the journey e2e/journeys/https.spec.ts (built app).
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnLogged } from "@keyward/child-servers";
import { describe, expect, it } from "vitest";

const webDir = fileURLToPath(new URL("../..", import.meta.url));
const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");

/** Runs server.ts with exactly these variables (nothing inherited: no DATABASE_URL, no KEYWARD_TLS). */
async function start(vars: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawnLogged(process.execPath, [tsxCli, "server.ts"], {
    name: "web",
    cwd: webDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      AUTH_SECRET: "a-dashboard-secret-of-at-least-32-characters",
      // No build there: every refusal below comes before Next.js is prepared, whether or not one was built.
      KEYWARD_WEB_DIST_DIR: ".next-unbuilt",
      // An empty data folder: no embedded database of a running `pnpm start` is found.
      KEYWARD_DATA_DIR: mkdtempSync(join(tmpdir(), "keyward-web-tls-")),
      ...vars,
    },
  });
  // A start that is not refused would listen: stop it rather than wait forever (the test then fails on the code).
  const timer = setTimeout(() => void child.stop(), 60_000);
  const code = await child.exited;
  clearTimeout(timer);
  return { code, output: child.output() };
}

describe("the dashboard's start with KEYWARD_TLS", () => {
  it("is refused in production on a public address without TLS, with the sentence", { timeout: 90_000 }, async () => {
    const { code, output } = await start({ WEB_HOST: "0.0.0.0", WEB_PORT: "3999" });
    expect(code).toBe(1);
    expect(output).toContain(
      "Invalid environment for the dashboard:\nKEYWARD_TLS: The dashboard listens on 0.0.0.0:3999 over plain HTTP",
    );
    expect(output).toContain("Refusing to start.");
  });

  it("is refused when KEYWARD_TLS=files has no certificate, naming the variables", { timeout: 90_000 }, async () => {
    const { code, output } = await start({ KEYWARD_TLS: "files", WEB_PORT: "3999" });
    expect(code).toBe(1);
    expect(output).toContain("KEYWARD_TLS: KEYWARD_TLS=files needs KEYWARD_TLS_CERT");
  });

  it("is refused when a certificate file cannot be read", { timeout: 90_000 }, async () => {
    const { code, output } = await start({
      KEYWARD_TLS: "files",
      KEYWARD_TLS_CERT: "/nonexistent/keyward-web.pem",
      KEYWARD_TLS_KEY: "/nonexistent/keyward-web.key",
      WEB_PORT: "3999",
    });
    expect(code).toBe(1);
    expect(output).toContain("KEYWARD_TLS: ");
    expect(output).toContain("/nonexistent/keyward-web.pem");
  });

  it("is refused in auto mode without a database to keep the certificate in", { timeout: 90_000 }, async () => {
    const { code, output } = await start({
      KEYWARD_TLS: "auto",
      KEYWARD_TLS_DOMAINS: "dashboard.keyward.test",
      KEYWARD_ENCRYPTION_KEY: "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
      WEB_PORT: "3999",
    });
    expect(code).toBe(1);
    expect(output).toContain("KEYWARD_TLS: No DATABASE_URL and no embedded database running");
  });
});
