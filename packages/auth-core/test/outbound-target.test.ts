import { describe, expect, it } from "vitest";
import {
  isAllowedHost,
  isPublicAddress,
  NO_ALLOWED_HOSTS,
  outboundTargetProblem,
  parseAllowedHosts,
} from "../src/outbound-target";

// Every way of writing a loopback, private, link-local or metadata address that the WHATWG URL
// parser (the one Node's fetch, http and the schema use) accepts.
const REFUSED_URLS = [
  "http://localhost/",
  "http://LOCALHOST./",
  "http://api.localhost/",
  "http://127.0.0.1/",
  "http://127.1/",
  "http://2130706433/",
  "http://0x7f000001/",
  "http://0177.0.0.1/",
  "http://%31%32%37.0.0.1/",
  "http://[::1]/",
  "http://[::ffff:127.0.0.1]/",
  "http://[::ffff:7f00:1]/",
  "http://[::127.0.0.1]/",
  "http://[64:ff9b::7f00:1]/",
  "http://[2002:7f00:1::]/",
  "http://0.0.0.0/",
  "http://0/",
  "http://[::]/",
  "http://10.0.0.1/",
  "http://10.255.255.255:8080/",
  "http://172.16.0.1/",
  "http://192.168.1.1/",
  "http://169.254.169.254/latest/meta-data/",
  "http://[::ffff:169.254.169.254]/",
  "http://[fe80::1]/",
  "http://[fd00::1]/",
  "http://[fc00::1]/",
  "http://100.64.0.1/",
  "http://224.0.0.1/",
  "http://255.255.255.255/",
  "http://metadata.google.internal/",
  "http://printer.local/",
  "http://intranet/",
];

describe("outboundTargetProblem", () => {
  it.each(REFUSED_URLS)("refuses %s", (url) => {
    expect(outboundTargetProblem(new URL(url), NO_ALLOWED_HOSTS)).toEqual(expect.any(String));
  });

  it.each([
    "https://hooks.example.com/keyward",
    "http://8.8.8.8/",
    "https://[2606:4700:4700::1111]/",
    "http://[::ffff:8.8.8.8]/",
  ])("accepts %s", (url) => {
    expect(outboundTargetProblem(new URL(url), NO_ALLOWED_HOSTS)).toBeNull();
  });

  it("accepts an allowed host, on the allowed port only when the entry names one", () => {
    const allowed = parseAllowedHosts("127.0.0.1:4567, localhost ,[::1]:80");
    expect(outboundTargetProblem(new URL("http://127.0.0.1:4567/x"), allowed)).toBeNull();
    expect(outboundTargetProblem(new URL("http://127.1:4567/x"), allowed)).toBeNull();
    expect(outboundTargetProblem(new URL("http://127.0.0.1:4568/x"), allowed)).not.toBeNull();
    expect(outboundTargetProblem(new URL("http://localhost:1/"), allowed)).toBeNull();
    expect(outboundTargetProblem(new URL("http://[::1]/"), allowed)).toBeNull();
    expect(outboundTargetProblem(new URL("https://[::1]/"), allowed)).not.toBeNull();
  });
});

describe("parseAllowedHosts", () => {
  it("reads host and host:port entries, written as the URL parser writes them", () => {
    expect(parseAllowedHosts("hooks.test, 127.1:8080,[::1]").entries).toEqual([
      { host: "hooks.test", port: null },
      { host: "127.0.0.1", port: 8080 },
      { host: "[::1]", port: null },
    ]);
    expect(parseAllowedHosts(undefined).entries).toEqual([]);
    expect(parseAllowedHosts(" , ").entries).toEqual([]);
  });

  it.each(["http://x.test", "x.test:0", "x.test:70000", "x.test/path", "user@x.test", "[::1", "a b"])(
    "throws on %j",
    (entry) => {
      expect(() => parseAllowedHosts(entry)).toThrow();
    },
  );

  it("matches the default port of the scheme", () => {
    const allowed = parseAllowedHosts("hooks.test:443");
    expect(isAllowedHost(new URL("https://hooks.test/"), allowed)).toBe(true);
    expect(isAllowedHost(new URL("http://hooks.test/"), allowed)).toBe(false);
  });
});

describe("isPublicAddress", () => {
  it.each([
    ["8.8.8.8", true],
    ["2606:4700::1", true],
    ["::ffff:8.8.8.8", true],
    ["127.0.0.1", false],
    ["::1", false],
    ["::ffff:127.0.0.1", false],
    ["169.254.169.254", false],
    ["10.1.2.3", false],
    ["fd12::1", false],
    ["fe80::1", false],
    ["0.0.0.0", false],
    ["::", false],
    ["192.0.2.1", false],
    ["fec0::1", false],
    ["not an ip", false],
  ])("%s → %s", (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
});
