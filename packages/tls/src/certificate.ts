// A certificate chain and its private key, checked to belong together before any server uses them.

import { X509Certificate } from "node:crypto";
import { createSecureContext } from "node:tls";

export interface CertificatePair {
  /** The leaf certificate first, then its intermediates (PEM). */
  cert: string;
  key: string;
}

export interface CheckedCertificate extends CertificatePair {
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the leaf, for logs: which certificate is being served. */
  fingerprint: string;
}

/** The pair with its expiry, or throws one sentence saying why a server could not use it. */
export function checkCertificate(pair: CertificatePair, from: string): CheckedCertificate {
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(pair.cert);
  } catch {
    throw new Error(`${from}: the certificate is not a PEM certificate`);
  }
  try {
    // OpenSSL checks here that the key is the certificate's.
    createSecureContext(pair);
  } catch (error) {
    throw new Error(
      `${from}: the private key does not match the certificate, or is not a PEM key (${(error as Error).message})`,
    );
  }
  return {
    ...pair,
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    fingerprint: leaf.fingerprint256,
  };
}
