// KEYWARD_TLS and its companions: every accepted form, every refusal with its sentence, and the rule
// that keeps a production start from serving keys over plain HTTP off loopback.
import { describe, expect, it } from "vitest";
import { isLoopback, LETS_ENCRYPT_DIRECTORY, plainHttpExposure, type TlsSettings, tlsSettings } from "../src";

describe("tlsSettings", () => {
  it("is off by default, and says when off was written out", () => {
    expect(tlsSettings({})).toEqual({ mode: "off", explicit: false });
    expect(tlsSettings({ KEYWARD_TLS: " " })).toEqual({ mode: "off", explicit: false });
    expect(tlsSettings({ KEYWARD_TLS: "off" })).toEqual({ mode: "off", explicit: true });
  });

  it("reads files mode", () => {
    expect(tlsSettings({ KEYWARD_TLS: "files", KEYWARD_TLS_CERT: "/c.pem", KEYWARD_TLS_KEY: "/k.pem" })).toEqual({
      mode: "files",
      certFile: "/c.pem",
      keyFile: "/k.pem",
    });
  });

  it("reads auto mode with Let's Encrypt and port 80 by default, names sorted, lower-cased and deduplicated", () => {
    expect(
      tlsSettings({ KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "Keys.Example.com, api.example.com,keys.example.com" }),
    ).toEqual({
      mode: "auto",
      domains: ["api.example.com", "keys.example.com"],
      directoryUrl: LETS_ENCRYPT_DIRECTORY,
      email: undefined,
      directoryCaFile: undefined,
      httpPort: 80,
    });
  });

  it.each([
    [{ KEYWARD_TLS: "on" }, 'KEYWARD_TLS must be off, files or auto (not "on")'],
    [{ KEYWARD_TLS: "files", KEYWARD_TLS_CERT: "/c.pem" }, "KEYWARD_TLS=files needs KEYWARD_TLS_CERT"],
    [{ KEYWARD_TLS_CERT: "/c.pem" }, "KEYWARD_TLS_CERT is set but KEYWARD_TLS is unset"],
    [{ KEYWARD_TLS: "off", KEYWARD_TLS_DOMAINS: "a.example" }, "KEYWARD_TLS_DOMAINS is set but KEYWARD_TLS is off"],
    [{ KEYWARD_TLS: "auto" }, "KEYWARD_TLS=auto needs KEYWARD_TLS_DOMAINS"],
    [{ KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "10.0.0.1" }, '"10.0.0.1" is not a DNS name'],
    [{ KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "*.example.com" }, '"*.example.com" is not a DNS name'],
    [{ KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "localhost" }, '"localhost" is not a DNS name'],
    [
      { KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "a.example", KEYWARD_ACME_DIRECTORY: "http://ca.example/dir" },
      "must be an https:// URL",
    ],
    [
      { KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "a.example", KEYWARD_ACME_EMAIL: "ops" },
      "KEYWARD_ACME_EMAIL must be an email",
    ],
    [
      { KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "a.example", KEYWARD_ACME_HTTP_PORT: "80x" },
      "KEYWARD_ACME_HTTP_PORT must be a port",
    ],
    [
      { KEYWARD_TLS: "auto", KEYWARD_TLS_DOMAINS: "a.example", KEYWARD_ACME_HTTP_PORT: "70000" },
      "KEYWARD_ACME_HTTP_PORT must be a port",
    ],
  ])("refuses %j", (env, message) => {
    expect(() => tlsSettings(env)).toThrow(message);
  });
});

describe("plainHttpExposure", () => {
  const off: TlsSettings = { mode: "off", explicit: false };
  const explicitOff: TlsSettings = { mode: "off", explicit: true };
  const files: TlsSettings = { mode: "files", certFile: "c", keyFile: "k" };
  const check = (settings: TlsSettings, host: string, nodeEnv = "production") =>
    plainHttpExposure({ settings, host, port: 4000, service: "The API", nodeEnv });

  it("says nothing on loopback or with TLS", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "api.localhost"]) {
      expect(isLoopback(host)).toBe(true);
      expect(check(off, host)).toBeNull();
    }
    expect(check(files, "0.0.0.0")).toBeNull();
  });

  it("refuses a production start on a reachable address unless KEYWARD_TLS=off is explicit", () => {
    for (const host of ["0.0.0.0", "::", "10.0.0.5", "keys.example.com"]) {
      expect(isLoopback(host)).toBe(false);
      expect(() => check(off, host)).toThrow(`The API listens on ${host}:4000 over plain HTTP`);
    }
    expect(check(explicitOff, "0.0.0.0")).toMatch(/^WARNING: .* \(KEYWARD_TLS=off\): only safe when a load balancer/);
  });

  it("warns outside production", () => {
    expect(check(off, "0.0.0.0", "development")).toMatch(
      /^WARNING: The API listens on 0\.0\.0\.0:4000 over plain HTTP/,
    );
  });
});
