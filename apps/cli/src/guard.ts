import type { GuardFlags } from "@keyward/guard";
import { startGuard } from "@keyward/guard";
import type { Command } from "commander";

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `keyward guard`: the reverse proxy of the README's Guard section, until SIGINT/SIGTERM. */
export function registerGuardCommand(program: Command): void {
  program
    .command("guard")
    .description(
      "Put Keyward in front of an HTTP service: only requests with the guard secret, its token, or a managed key (with a database) get through",
    )
    .option("--upstream <url>", "the service to protect, e.g. http://127.0.0.1:9000 (env KEYWARD_GUARD_UPSTREAM)")
    .option(
      "--auth-secret <secret>",
      "shared secret for the keyward-auth-key header, at least 16 characters (env KEYWARD_GUARD_AUTH_SECRET; default: the dashboard's)",
    )
    .option(
      "--auth-token-ttl <duration>",
      "lifetime of the keyward-auth-token printed at start: 24h, 90m, 7d, or hours (env KEYWARD_GUARD_AUTH_TOKEN_TTL; default 24h)",
    )
    .option(
      "--auth-enabled [bool]",
      "--auth-enabled=false lets every request through (with a warning) (env KEYWARD_GUARD_AUTH_ENABLED)",
    )
    .option("--port <port>", "port to listen on (env KEYWARD_GUARD_PORT; default 8080)")
    .option("--host <host>", "address to listen on (env KEYWARD_GUARD_HOST; default 127.0.0.1)")
    .option(
      "--route <rule>",
      'route rule for managed keys, repeatable: "GET /vehicles/* -> vehicles:read" (env KEYWARD_GUARD_ROUTES, ; separated)',
      collect,
    )
    .option("--config <file>", "settings file (env KEYWARD_GUARD_CONFIG; default ./.keyward.yaml)")
    .option(
      "--company <id-or-name>",
      "whose managed keys and dashboard settings to use (env KEYWARD_GUARD_COMPANY; default: the only company)",
    )
    .option(
      "--all-companies",
      "accept the managed keys of every company, told to the upstream by Keyward-Company-Id; needs --auth-secret, excludes --company (env KEYWARD_GUARD_ALL_COMPANIES)",
    )
    .addHelpText(
      "after",
      "\nPrecedence: flag > environment > .keyward.yaml > dashboard (Settings → Guard) > default.\nExample:\n  pnpm keyward guard --upstream http://127.0.0.1:9000 --auth-secret $(openssl rand -hex 32) --auth-token-ttl 24h",
    )
    .action(async (flags: GuardFlags) => {
      const guard = await startGuard(flags);
      await new Promise<void>((resolve) => {
        const stop = () => void guard.stop().then(resolve);
        process.once("SIGINT", stop);
        process.once("SIGTERM", stop);
      });
    });
}
