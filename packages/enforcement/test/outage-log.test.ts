// A poll every 100 ms through a long outage writes three lines a minute at most: the first failure,
// a reminder a minute, and the recovery.
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { OutageLog } from "../src/outage-log";

function capture() {
  const lines: { level: number; msg: string; failures?: number }[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  return { lines, log: pino({ level: "info" }, stream) };
}

describe("OutageLog", () => {
  it("150 s of failures every 100 ms: one error, two reminders, one recovery line", () => {
    const { lines, log } = capture();
    let now = 1_000_000;
    const outage = new OutageLog(log, "key-change feed", () => now);
    outage.succeeded();
    for (let i = 0; i < 1500; i++) {
      outage.failed(new Error("connect ECONNREFUSED"));
      now += 100;
    }
    outage.succeeded();
    outage.succeeded();
    expect(lines.map((l) => l.msg)).toEqual([
      "key-change feed: database unreachable; retrying (logged again once a minute)",
      "key-change feed: database still unreachable",
      "key-change feed: database still unreachable",
      "key-change feed: database reachable again",
    ]);
    expect(lines.at(-1)?.failures).toBe(1500);
    // A new outage is told again.
    outage.failed(new Error("connect ECONNREFUSED"));
    expect(lines.at(-1)?.msg).toMatch(/database unreachable/);
  });
});
