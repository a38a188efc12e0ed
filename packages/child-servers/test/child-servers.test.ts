import { readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { freePort, runToEnd, spawnLogged, waitForHttp } from "../src/index";

/** A node program that serves 200 on PORT after a short delay (so the wait has to wait). */
const slowServer = `
setTimeout(() => {
  require("node:http").createServer((_q, r) => r.end("up")).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));
}, 300);
process.on("SIGTERM", () => { console.log("bye"); process.exit(7); });
`;

const logFile = join(tmpdir(), `child-servers-${process.pid}`, "server.log");
afterAll(() => rmSync(join(logFile, ".."), { recursive: true, force: true }));

describe("freePort", () => {
  it("returns a loopback port a server can listen on", async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    await new Promise((resolve) => server.close(resolve));
  });
});

describe("spawnLogged + waitForHttp", () => {
  it("waits until the child answers, keeps its output in memory and in the log file, and stops it", async () => {
    const port = await freePort();
    const server = spawnLogged(process.execPath, ["-e", slowServer], {
      name: "slow",
      env: { ...process.env, PORT: String(port) },
      logFile,
    });
    await waitForHttp(`http://127.0.0.1:${port}/`, server, 20_000);
    expect(server.output()).toContain("listening");
    expect(await server.stop()).toBe(7);
    expect(await server.stop()).toBe(7);
    expect(server.output()).toContain("bye");
    await expect.poll(() => readFileSync(logFile, "utf8")).toBe("listening\nbye\n");
  });

  it("fails at once with the output when the child exits before it answers", async () => {
    const crashing = spawnLogged(process.execPath, ["-e", "console.error('no database'); process.exit(3)"], {
      name: "crashing",
    });
    await expect(waitForHttp(`http://127.0.0.1:${await freePort()}/`, crashing, 20_000)).rejects.toThrow(
      /crashing exited with code 3 before .* answered:\nno database/,
    );
  });

  it("keeps only the last characters when asked to", async () => {
    const chatty = spawnLogged(process.execPath, ["-e", "process.stdout.write('a'.repeat(1000) + 'end')"], {
      name: "chatty",
      keepLastChars: 10,
    });
    expect(await chatty.exited).toBe(0);
    expect(chatty.output()).toBe("aaaaaaaend");
  });

  it("stops a whole process group, and SIGKILLs a child that ignores SIGTERM", async () => {
    const stubborn = spawnLogged(
      process.execPath,
      ["-e", "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"],
      { name: "stubborn", processGroup: true, forceKillAfterMs: 300 },
    );
    await expect.poll(() => stubborn.output()).toContain("ready");
    expect(await stubborn.stop()).toBeNull();
    expect(stubborn.child.signalCode).toBe("SIGKILL");
  });
});

describe("runToEnd", () => {
  it("resolves when the command exits 0 and throws with its output otherwise", async () => {
    await runToEnd(process.execPath, ["-e", "process.exit(0)"], { name: "fine" });
    await expect(
      runToEnd(process.execPath, ["-e", "console.log('broken build'); process.exit(2)"], { name: "build" }),
    ).rejects.toThrow(/failed \(exit 2\):\nbroken build/);
  });
});
