// The printed table and bench/results/latest.json.
import { cpus, loadavg, totalmem } from "node:os";
import type { Check, Figure, Outcome } from "./figure";

export type Verdict = "pass" | "MISS" | "n/a" | "reported" | "not judged (--quick)" | "FAIL" | "ERROR";

export interface FigureReport {
  id: number;
  title: string;
  target: string;
  anchor: string;
  measured: string;
  verdict: Verdict;
  checks: Check[];
  notes: string[];
  seconds: number;
  data: Record<string, unknown>;
  error?: string;
}

export function verdictOf(outcome: Outcome, quick: boolean): Verdict {
  if (outcome.checks.some((c) => !c.ok)) return "FAIL";
  if (outcome.met === "n/a" || outcome.met === "reported") return outcome.met;
  if (quick) return "not judged (--quick)";
  return outcome.met ? "pass" : "MISS";
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
  database: string;
  redis: string;
  note?: string;
}

export function describeMachine(database: string, redis: string, note: string | undefined): Machine {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    database,
    redis,
    ...(note ? { note } : {}),
  };
}

const cell = (s: string) => s.replaceAll("|", "\\|").replaceAll("\n", " ");

export function markdownTable(reports: FigureReport[]): string {
  const lines = ["| # | figure | target | measured | result |", "| --- | --- | --- | --- | --- |"];
  for (const r of reports) {
    lines.push(`| ${r.id} | ${cell(r.title)} | ${cell(r.target)} | ${cell(r.measured)} | ${r.verdict} |`);
  }
  return lines.join("\n");
}

export function machineLine(m: Machine): string {
  const load = (l: number[] | undefined) => (l ? l.map((x) => x.toFixed(1)).join("/") : "?");
  return (
    `${m.cores} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; database: ${m.database}; ` +
    `Redis: ${m.redis}; load average ${load(m.loadAverageAtStart)} at start` +
    (m.loadAverageAtEnd ? `, ${load(m.loadAverageAtEnd)} at end` : "") +
    (m.note ? `; ${m.note}` : "")
  );
}

export function describeFigure(f: Figure): string {
  return `figure ${f.id}: ${f.title}`;
}
