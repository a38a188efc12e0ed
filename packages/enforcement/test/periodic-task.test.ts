import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PeriodicTask } from "../src/periodic-task";

/** A run function whose runs end when the test says so. */
function controlledRuns() {
  const ends: (() => void)[] = [];
  let running = 0;
  const state = { started: 0, maxConcurrent: 0 };
  const run = () => {
    state.started++;
    running++;
    state.maxConcurrent = Math.max(state.maxConcurrent, running);
    return new Promise<void>((resolve) => {
      ends.push(() => {
        running--;
        resolve();
      });
    });
  };
  /** Ends the oldest run still going. */
  const endOne = async () => {
    ends.shift()?.();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { run, endOne, state, running: () => running };
}

const noErrors = (error: Error) => {
  throw error;
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("PeriodicTask", () => {
  it("runs every interval, the first time one interval after start", async () => {
    let runs = 0;
    const task = new PeriodicTask(
      async () => {
        runs++;
      },
      { onError: noErrors },
    );
    task.start(100);
    await vi.advanceTimersByTimeAsync(99);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(300);
    expect(runs).toBe(4);
    await task.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(4);
  });

  it("never overlaps: runs due while one is going become one run after it", async () => {
    const runs = controlledRuns();
    const task = new PeriodicTask(runs.run, { onError: noErrors });
    task.start(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs.state.started).toBe(1);
    await vi.advanceTimersByTimeAsync(500); // five ticks while the first run is going
    expect(runs.state.started).toBe(1);
    await runs.endOne();
    expect(runs.state.started).toBe(2);
    await runs.endOne();
    expect(runs.state.started).toBe(2);
    expect(runs.state.maxConcurrent).toBe(1);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs.state.started).toBe(3);
    await runs.endOne();
    await task.stop();
  });

  it("runNow: runs at once when idle, and resolves only after a run that started after the call", async () => {
    const runs = controlledRuns();
    const task = new PeriodicTask(runs.run, { onError: noErrors });
    const first = task.runNow(); // works before start
    let firstDone = false;
    void first.then(() => {
      firstDone = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(runs.state.started).toBe(1);

    // Asked for while the first run is going: that run may have missed what the caller wants seen.
    let secondDone = false;
    let thirdDone = false;
    void task.runNow().then(() => {
      secondDone = true;
    });
    void task.runNow().then(() => {
      thirdDone = true;
    });
    await runs.endOne();
    expect(firstDone).toBe(true);
    expect(secondDone).toBe(false);
    expect(runs.state.started).toBe(2); // one follow-up run for both calls
    await runs.endOne();
    expect([secondDone, thirdDone]).toEqual([true, true]);
    expect(runs.state.started).toBe(2);
    expect(runs.state.maxConcurrent).toBe(1);
  });

  it("stop waits for the run in flight, and starts no other run", async () => {
    const runs = controlledRuns();
    const task = new PeriodicTask(runs.run, { onError: noErrors });
    task.start(100);
    await vi.advanceTimersByTimeAsync(100);
    let waiting = false;
    void task.runNow().then(() => {
      waiting = true;
    });
    let stopped = false;
    void task.stop().then(() => {
      stopped = true;
    });
    expect(task.stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toBe(false);
    await runs.endOne();
    expect(stopped).toBe(true);
    expect(waiting).toBe(true); // released by stop, without a run of its own
    expect(runs.state.started).toBe(1);
    await task.runNow();
    expect(runs.state.started).toBe(1);
    expect(() => task.start(100)).toThrow();
  });

  it("finalRun: stop runs once more after the run in flight, and callers waiting get that run", async () => {
    const runs = controlledRuns();
    const task = new PeriodicTask(runs.run, { onError: noErrors, finalRun: true });
    task.start(100);
    await vi.advanceTimersByTimeAsync(100);
    let waiting = false;
    void task.runNow().then(() => {
      waiting = true;
    });
    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    await runs.endOne();
    expect(runs.state.started).toBe(2); // the final run
    expect([waiting, stopped]).toEqual([false, false]);
    await runs.endOne();
    await stopping;
    expect([waiting, stopped]).toEqual([true, true]);
    expect(runs.state.maxConcurrent).toBe(1);
    await task.stop(); // stopping again runs nothing more
    expect(runs.state.started).toBe(2);
  });

  it("a run's error goes to onError and the task goes on", async () => {
    const errors: string[] = [];
    let runs = 0;
    const task = new PeriodicTask(
      async () => {
        runs++;
        if (runs === 1) throw new Error("database unreachable");
        if (runs === 2) throw "not an Error";
      },
      { onError: (error) => errors.push(error.message) },
    );
    task.start(100);
    await vi.advanceTimersByTimeAsync(300);
    expect(runs).toBe(3);
    expect(errors).toEqual(["database unreachable", "not an Error"]);
    await expect(task.runNow()).resolves.toBeUndefined();
    await task.stop();
  });

  it("its timer does not keep the process alive", () => {
    const spy = vi.spyOn(globalThis, "setInterval");
    const task = new PeriodicTask(async () => {}, { onError: noErrors });
    task.start(100);
    const timer = spy.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    spy.mockRestore();
    void task.stop();
  });
});
