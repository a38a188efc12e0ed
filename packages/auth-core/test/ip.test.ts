import fc from "fast-check";
import ipaddr from "ipaddr.js";
import { describe, expect, it } from "vitest";
import { compileAllowlist, isValidAllowlistEntry } from "../src/ip";

describe("isValidAllowlistEntry", () => {
  it.each([
    ["10.0.0.1", true],
    ["10.0.0.0/8", true],
    ["0.0.0.0/0", true],
    ["10.0.0.1/32", true],
    ["2001:db8::1", true],
    ["2001:db8::/32", true],
    ["::/0", true],
    ["::ffff:10.0.0.0/104", true],
    ["10.0.0.0/33", false],
    ["2001:db8::/129", false],
    ["10.0.0.0/", false],
    ["10.0.0.0/-1", false],
    ["10.0.0.0/8/8", false],
    ["10.1", false],
    ["010.0.0.1", false],
    ["0x0a.0.0.1", false],
    ["256.0.0.1", false],
    ["fe80::1%eth0", false],
    ["localhost", false],
    ["", false],
    [" 10.0.0.1", false],
  ])("%j → %s", (entry, expected) => {
    expect(isValidAllowlistEntry(entry)).toBe(expected);
  });
});

describe("compileAllowlist", () => {
  it.each([
    // [allowlist, caller ip, allowed]
    [[], "203.0.113.9", true],
    [[], "not an ip", true],
    [["10.0.0.0/8"], "10.20.30.40", true],
    [["10.0.0.0/8"], "11.0.0.1", false],
    [["10.0.0.1"], "10.0.0.1", true],
    [["10.0.0.1"], "10.0.0.2", false],
    [["10.0.0.5/24"], "10.0.0.200", true],
    [["10.0.0.0/8"], "::ffff:10.0.0.1", true],
    [["10.0.0.0/8"], "::ffff:a00:1", true],
    [["10.0.0.0/8"], "::ffff:11.0.0.1", false],
    [["::ffff:10.0.0.0/104"], "10.1.2.3", true],
    [["::ffff:10.0.0.0/104"], "11.1.2.3", false],
    [["2001:db8::/32"], "2001:db8:abcd::1", true],
    [["2001:db8::/32"], "2001:db9::1", false],
    [["2001:db8::1"], "2001:0db8:0000:0000:0000:0000:0000:0001", true],
    [["2001:db8::/32"], "10.0.0.1", false],
    [["0.0.0.0/0"], "2001:db8::1", false],
    [["::/0"], "2001:db8::1", true],
    [["10.0.0.0/8", "2001:db8::/32"], "2001:db8::7", true],
    [["10.0.0.0/8"], "10.1", false],
    [["10.0.0.0/8"], "", false],
    [["10.0.0.0/8"], "10.0.0.1 ", false],
    [["garbage"], "10.0.0.1", false],
    [["garbage", "10.0.0.0/8"], "10.0.0.1", true],
    [["10.0.0.0/8"], "010.0.0.1", false],
    [["10.0.0.0/8"], "10.0.0.01", false],
    [["10.0.0.0/8"], "10.0.0.256", false],
    [["10.0.0.0/8"], "10..0.1", false],
    [["10.0.0.0/8"], "10.0.0.1.5", false],
    [["0.0.0.0/0"], "255.255.255.255", true],
    [["255.255.255.255"], "255.255.255.255", true],
    [["128.0.0.0/1"], "127.255.255.255", false],
    [["128.0.0.0/1"], "128.0.0.0", true],
  ])("%j allows %j: %s", (entries, ip, expected) => {
    expect(compileAllowlist(entries)(ip)).toBe(expected);
  });

  // Dotted quads take a fast path that bypasses ipaddr.js: it must agree with it, bit for bit.
  it("matches an IPv4 caller exactly as ipaddr.js does", () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const quad = fc.tuple(octet, octet, octet, octet).map((o) => o.join("."));
    fc.assert(
      fc.property(quad, quad, fc.integer({ min: 0, max: 32 }), (network, ip, bits) => {
        const expected = ipaddr.IPv4.parse(ip).match(ipaddr.IPv4.parse(network), bits);
        expect(compileAllowlist([`${network}/${bits}`])(ip)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
