// The .env.local every setup writes (CLI and dashboard): its text, the lines it keeps, its mode.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mergeEnvText, starterKeysEnv, upsertEnvFile } from "../src";

const VARS = { KEYWARD_ADMIN_KEY: "kw_live_new", KEYWARD_READONLY_KEY: "kw_test_new" };

describe("mergeEnvText", () => {
  it("a new file holds exactly the variables, one line each", () => {
    expect(mergeEnvText("", VARS)).toBe("KEYWARD_ADMIN_KEY=kw_live_new\nKEYWARD_READONLY_KEY=kw_test_new\n");
  });

  it("replaces only lines of the same names (also `export NAME=`) and keeps the rest in place", () => {
    const existing = [
      "# mine",
      "DATABASE_URL=postgres://x",
      "export KEYWARD_ADMIN_KEY=kw_live_old",
      "KEYWARD_READONLY_KEY = kw_test_old",
      "KEYWARD_ADMIN_KEY_NOTE=kept",
      "",
      "",
    ].join("\n");
    expect(mergeEnvText(existing, VARS)).toBe(
      "# mine\nDATABASE_URL=postgres://x\nKEYWARD_ADMIN_KEY_NOTE=kept\nKEYWARD_ADMIN_KEY=kw_live_new\nKEYWARD_READONLY_KEY=kw_test_new\n",
    );
  });
});

describe("upsertEnvFile", () => {
  it("creates the file with mode 0600, then updates it in place and narrows its mode", () => {
    const path = join(mkdtempSync(join(tmpdir(), "keyward-env-")), ".env.local");
    expect(upsertEnvFile(path, VARS)).toBe("created");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe(mergeEnvText("", VARS));

    writeFileSync(path, "OTHER=1\nKEYWARD_ADMIN_KEY=kw_live_old\n", { mode: 0o644 });
    expect(upsertEnvFile(path, VARS)).toBe("updated");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe(`OTHER=1\n${mergeEnvText("", VARS)}`);
  });
});

it("starterKeysEnv names the admin and read-only secrets as the README sources them", () => {
  const key = (secret: string) => ({ key: {} as never, secret });
  expect(starterKeysEnv({ adminKey: key("a"), readOnlyKey: key("r") })).toEqual({
    KEYWARD_ADMIN_KEY: "a",
    KEYWARD_READONLY_KEY: "r",
  });
});
