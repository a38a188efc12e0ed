// Where a TLS server's certificate comes from: files the operator keeps (files-source.ts) or an ACME
// certificate authority (acme-source.ts). A server asks for the current pair and is told of each new
// one, so a renewed or replaced certificate is served without a restart.
import type { CheckedCertificate } from "./certificate";

export interface CertificateSource {
  /** The certificate to serve now (a source is started before any server asks). */
  current(): CheckedCertificate;
  /** Called with each new certificate; returns the function that stops the calls. */
  onChange(listener: (certificate: CheckedCertificate) => void): () => void;
  stop(): Promise<void>;
}

/** What a source reports: what it serves, and what failed (a bad file, an ACME error) while it keeps the last good one. */
export interface TlsLog {
  info(message: string): void;
  error(message: string): void;
}

export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(value: T): void {
    for (const listener of this.listeners) listener(value);
  }
}
