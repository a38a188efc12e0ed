// `keyward login` / `keyward logout`: a user token from POST /v1/auth/login, kept in config.yaml (0600).
import type { Command } from "commander";
import { request } from "./api-client";
import { DEFAULT_API_URL, forgetLogin, writeLogin } from "./config-file";
import { loadEnv } from "./env";

interface LoginAnswer {
  user: { id: string; email: string; role: string };
  token: string;
  expiresAt?: string;
}

export function registerLoginCommands(program: Command): void {
  program
    .command("login")
    .description(
      "Log in with your dashboard email and password; the token is stored in ~/.keyward/config.yaml (mode 0600)",
    )
    .requiredOption("--email <email>", "your dashboard email")
    .requiredOption("--password <password>", "your dashboard password")
    .option("--api-url <url>", `the Keyward API (env KEYWARD_API_URL; default ${DEFAULT_API_URL})`)
    .action(async (opts: { email: string; password: string; apiUrl?: string }) => {
      const env = loadEnv();
      const apiUrl = (opts.apiUrl ?? env.KEYWARD_API_URL ?? DEFAULT_API_URL).replace(/\/$/, "");
      const answer = await request<LoginAnswer>(
        apiUrl,
        "POST",
        "/v1/auth/login",
        { email: opts.email, password: opts.password },
        null,
      );
      const path = writeLogin(env, {
        apiUrl,
        token: answer.token,
        email: answer.user.email,
        ...(answer.expiresAt ? { expiresAt: answer.expiresAt } : {}),
      });
      const until = answer.expiresAt ? ` until ${answer.expiresAt}` : "";
      process.stdout.write(
        `Logged in to ${apiUrl} as ${answer.user.email} (${answer.user.role})${until}.\nToken stored in ${path}.\n`,
      );
    });

  program
    .command("logout")
    .description("Forget the token `login` stored")
    .action(() => {
      const env = loadEnv();
      process.stdout.write(forgetLogin(env) ? "Logged out.\n" : "Not logged in; nothing to do.\n");
    });
}
