// Prints the table of results/latest.json with its machine line, for bench/README.md.
// Usage: pnpm --filter @keyward/bench exec tsx src/tools/results-table.ts
import { readFileSync } from "node:fs";
import { type Machine, machineLine } from "../support/report";

const latest = JSON.parse(readFileSync(new URL("../../results/latest.json", import.meta.url), "utf8")) as {
  generatedAt: string;
  table: string;
  machine: Machine;
  totalSeconds: number;
};
console.log(
  `${latest.table}\n\nRun ${latest.generatedAt} in ${Math.round(latest.totalSeconds / 60)} min on ${machineLine(latest.machine)}.`,
);
