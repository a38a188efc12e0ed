import { describe, expect, it } from "vitest";
import { ExpiringCache, SharedReads, type StillCurrent } from "../src/cache";

const entry = (name: string, expiresAt: number) => ({ name, expiresAt });

describe("ExpiringCache", () => {
  it("answers an entry until its expiry, and peek still has it after", () => {
    const cache = new ExpiringCache<string, { name: string; expiresAt: number }>({ max: 10 });
    cache.set("a", entry("A", 1_000));
    expect(cache.get("a", 999)?.name).toBe("A");
    expect(cache.get("a", 1_000)).toBeUndefined();
    expect(cache.peek("a")?.name).toBe("A");
    cache.delete("a");
    expect(cache.peek("a")).toBeUndefined();
  });

  it("evicts the least recently used entry when full, and tells onDrop of every entry that leaves", () => {
    const dropped: string[] = [];
    const cache = new ExpiringCache<string, { name: string; expiresAt: number }>({
      max: 2,
      onDrop: (value, key) => dropped.push(`${key}=${value.name}`),
    });
    cache.set("a", entry("A", 1_000));
    cache.set("b", entry("B", 1_000));
    cache.get("a", 0); // a is now the more recently used
    cache.set("c", entry("C", 1_000));
    expect(cache.peek("b")).toBeUndefined();
    expect(cache.peek("a")?.name).toBe("A");
    cache.set("a", entry("A2", 1_000));
    cache.delete("c");
    cache.clear();
    expect(dropped).toEqual(["b=B", "a=A", "c=C", "a=A2"]);
  });
});

describe("SharedReads", () => {
  const deferred = () => {
    let resolve!: (value: string) => void;
    const promise = new Promise<string>((r) => {
      resolve = r;
    });
    return { promise, resolve };
  };

  it("concurrent reads of one key share one read; after it ends, the next one reads again", async () => {
    const reads = new SharedReads<string, string>();
    let started = 0;
    const gate = deferred();
    const read = () => {
      started++;
      return gate.promise;
    };
    const first = reads.read("k", read);
    const second = reads.read("k", read);
    expect(second).toBe(first);
    gate.resolve("v");
    expect(await first).toBe("v");
    await reads.read("k", async () => {
      started++;
      return "w";
    });
    expect(started).toBe(2);
  });

  it("fresh starts a new read, which later callers share", async () => {
    const reads = new SharedReads<string, string>();
    const old = reads.read("k", () => deferred().promise);
    const fresh = reads.read("k", async () => "new", { fresh: true });
    expect(fresh).not.toBe(old);
    expect(reads.read("k", async () => "other")).toBe(fresh);
    expect(await fresh).toBe("new");
  });

  it("an invalidation during a read: the read is no longer current, and is not shared any more", async () => {
    const reads = new SharedReads<string, string>();
    const gate = deferred();
    let current: StillCurrent | undefined;
    const pending = reads.read("k", (stillCurrent) => {
      current = stillCurrent;
      return gate.promise;
    });
    expect(current?.()).toBe(true);
    reads.forget("other key");
    expect(current?.()).toBe(false);
    expect(reads.read("k", async () => "again")).toBe(pending); // only k's own invalidation ends sharing
    reads.forget("k");
    expect(reads.read("k", async () => "again")).not.toBe(pending);
    const gate2 = deferred();
    let current2: StillCurrent | undefined;
    void reads.read("j", (stillCurrent) => {
      current2 = stillCurrent;
      return gate2.promise;
    });
    reads.forgetAll();
    expect(current2?.()).toBe(false);
    gate.resolve("v");
    gate2.resolve("w");
    expect(await pending).toBe("v");
  });
});
