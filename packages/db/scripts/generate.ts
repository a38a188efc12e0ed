// Runs `prisma generate` offline, and only when the schema changed. The Prisma CLI insists on
// locating its schema engine before it generates, and would download one; generation itself does not
// use it, so any existing file will do.
//
// Prisma empties its output folder before writing it, so a test or a server importing the client
// while another `pnpm install` or turbo task regenerated it used to find it half-written. The client is
// generated into a fresh folder and swapped in with two renames, and not at all when the schema and
// Prisma's version are those it was generated from.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = fileURLToPath(new URL("..", import.meta.url));
const schemaFile = join(packageDir, "prisma/schema.prisma");
const outputDir = join(packageDir, "src/generated/prisma");
const stampFile = join(outputDir, ".schema-sha256");

const schema = readFileSync(schemaFile, "utf8");
const prismaVersion = (createRequire(import.meta.url)("prisma/package.json") as { version: string }).version;
const stamp = createHash("sha256").update(`${prismaVersion}\n${schema}`).digest("hex");
if (existsSync(stampFile) && readFileSync(stampFile, "utf8") === stamp) {
  console.log(`Prisma client is up to date (${prismaVersion}, schema unchanged).`);
  process.exit(0);
}

const OUTPUT_LINE = /^(\s*output\s*=\s*)"\.\.\/src\/generated\/prisma"\s*$/m;
if (!OUTPUT_LINE.test(schema)) throw new Error(`${schemaFile}: expected output = "../src/generated/prisma"`);
const work = join(packageDir, `prisma/.generate-${process.pid}`);
const fresh = `${outputDir}.next-${process.pid}`;
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
try {
  writeFileSync(join(work, "schema.prisma"), schema.replace(OUTPUT_LINE, `$1${JSON.stringify(fresh)}`));
  const engine = process.env.PRISMA_SCHEMA_ENGINE_BINARY;
  const stub = engine && existsSync(engine) ? engine : process.execPath;
  execFileSync("pnpm", ["exec", "prisma", "generate", "--schema", join(work, "schema.prisma")], {
    cwd: packageDir,
    stdio: "inherit",
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: stub,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
      CHECKPOINT_DISABLE: "1",
    },
  });
  writeFileSync(join(fresh, ".schema-sha256"), stamp);
  const old = `${outputDir}.old-${process.pid}`;
  if (existsSync(outputDir)) renameSync(outputDir, old);
  renameSync(fresh, outputDir);
  rmSync(old, { recursive: true, force: true });
} finally {
  rmSync(work, { recursive: true, force: true });
  rmSync(fresh, { recursive: true, force: true });
}
