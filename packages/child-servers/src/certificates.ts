// Certificates for TLS tests, made by the machine's openssl (nothing downloaded): a throwaway CA, and
// leaf certificates it signs for given DNS names and IPs. ECDSA P-256, like the ACME certificates.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface IssuedCertificate {
  cert: string;
  key: string;
}

export interface TestCa {
  /** The CA's certificate (PEM): what a client trusts. */
  cert: string;
  /** The same, as a file (for a server or a setting that takes a path). */
  certFile: string;
  /** A certificate for these names (DNS names or IPs), valid for `days`. */
  issue(names: string[], days?: number): IssuedCertificate;
  remove(): void;
}

let serial = 0;
/** `openssl req` options for a new unencrypted P-256 key. */
const NEW_EC_KEY = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];

export function createTestCa(commonName = "Keyward test CA"): TestCa {
  const dir = mkdtempSync(join(tmpdir(), "keyward-ca-"));
  const caKey = join(dir, "ca.key");
  const certFile = join(dir, "ca.pem");
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"] });
  openssl(
    "req",
    "-x509",
    ...NEW_EC_KEY,
    "-keyout",
    caKey,
    "-out",
    certFile,
    "-days",
    "30",
    "-subj",
    `/CN=${commonName}`,
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  );
  return {
    cert: readFileSync(certFile, "utf8"),
    certFile,
    issue(names, days = 30) {
      serial += 1;
      const base = join(dir, `leaf-${process.pid}-${serial}`);
      const sans = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
      writeFileSync(`${base}.ext`, `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
      openssl("req", ...NEW_EC_KEY, "-keyout", `${base}.key`, "-out", `${base}.csr`, "-subj", `/CN=${names[0]}`);
      openssl(
        "x509",
        "-req",
        "-in",
        `${base}.csr`,
        "-CA",
        certFile,
        "-CAkey",
        caKey,
        "-set_serial",
        String(Date.now() * 1000 + serial),
        "-days",
        String(days),
        "-out",
        `${base}.pem`,
        "-extfile",
        `${base}.ext`,
      );
      return { cert: readFileSync(`${base}.pem`, "utf8"), key: readFileSync(`${base}.key`, "utf8") };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
