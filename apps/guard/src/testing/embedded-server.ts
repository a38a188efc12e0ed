// The embedded database served by its own process on a data folder, as `pnpm start` serves it, so a
// test can stop it and start it again on another port.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("./embedded-server-main.ts", import.meta.url));

export interface EmbeddedServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startEmbeddedServerProcess(dataDir: string, port: number): Promise<EmbeddedServerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", MAIN, dataDir, String(port)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`embedded database did not start:\n${output}`)), 180_000);
    child.stdout?.on("data", () => {
      const ready = /READY (\S+)/.exec(output)?.[1];
      if (ready) {
        clearTimeout(timer);
        resolve(ready);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded database exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    },
  };
}
