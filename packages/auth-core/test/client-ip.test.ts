import { describe, expect, it } from "vitest";
import { clientIp, parseTrustProxy, TRUST_NO_PROXY } from "../src/client-ip";

const FORGED = "203.0.113.66";

describe("parseTrustProxy", () => {
  it.each(["true", " true "])("refuses %j (trust anyone) with a message that says what to set instead", (value) => {
    expect(() => parseTrustProxy(value)).toThrow(/no longer accepted.*IPs or CIDRs.*number of proxies/);
  });

  it.each(["10.0.0.0/33", "proxy.internal", "10.0.0.1,,10.0.0.2", "-1"])("refuses %j", (value) => {
    expect(() => parseTrustProxy(value)).toThrow(/IPs\/CIDRs|empty entry/);
  });

  it.each([undefined, "", "false"])("%j trusts no proxy", (value) => {
    const trust = parseTrustProxy(value);
    expect(trust("127.0.0.1", 0)).toBe(false);
  });
});

describe("clientIp", () => {
  it("with no trusted proxy a forged X-Forwarded-For is ignored: the client is the socket's peer", () => {
    expect(clientIp("198.51.100.7", FORGED, TRUST_NO_PROXY)).toBe("198.51.100.7");
    expect(clientIp("198.51.100.7", FORGED, parseTrustProxy(undefined))).toBe("198.51.100.7");
  });

  it("a forged header from a peer outside the trusted CIDRs is ignored", () => {
    expect(clientIp("198.51.100.7", FORGED, parseTrustProxy("10.0.0.0/8, 127.0.0.1"))).toBe("198.51.100.7");
  });

  it("behind trusted proxies the nearest untrusted hop is the client, whatever the client prepended", () => {
    const trust = parseTrustProxy("10.0.0.0/8,127.0.0.1");
    // client (forges FORGED) → proxy 10.1.1.1 (appends the client's address) → us, from 127.0.0.1.
    expect(clientIp("127.0.0.1", `${FORGED}, 192.0.2.10, 10.1.1.1`, trust)).toBe("192.0.2.10");
    expect(clientIp("127.0.0.1", "192.0.2.10", trust)).toBe("192.0.2.10");
    expect(clientIp("10.9.9.9", undefined, trust)).toBe("10.9.9.9");
    expect(clientIp("::ffff:127.0.0.1", "192.0.2.10", trust)).toBe("192.0.2.10");
    // Repeated headers are one list, in order.
    expect(clientIp("127.0.0.1", [FORGED, "192.0.2.10"], trust)).toBe("192.0.2.10");
  });

  it("proxy-addr's names work: `loopback` trusts 127.0.0.0/8 and ::1", () => {
    const trust = parseTrustProxy("loopback");
    expect(clientIp("::1", "192.0.2.10", trust)).toBe("192.0.2.10");
    expect(clientIp("192.0.2.1", "192.0.2.10", trust)).toBe("192.0.2.1");
  });

  it("a hop count trusts exactly that many hops from the socket", () => {
    expect(clientIp("10.0.0.1", `${FORGED}, 192.0.2.10`, parseTrustProxy("1"))).toBe("192.0.2.10");
    expect(clientIp("10.0.0.1", `${FORGED}, 192.0.2.10, 10.0.0.2`, parseTrustProxy("2"))).toBe("192.0.2.10");
    expect(clientIp("10.0.0.1", "192.0.2.10", parseTrustProxy("0"))).toBe("10.0.0.1");
    // More hops than there are entries: the farthest address there is.
    expect(clientIp("10.0.0.1", "192.0.2.10", parseTrustProxy("5"))).toBe("192.0.2.10");
  });

  it("null when the socket has no address", () => {
    expect(clientIp(undefined, FORGED, parseTrustProxy("1"))).toBeNull();
  });
});
