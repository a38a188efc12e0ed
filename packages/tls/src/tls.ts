// What a process does with its TLS settings before it listens: nothing (off), read the operator's
// files, or answer challenges and obtain a certificate (auto). The result feeds createKeywardServer.
import type { Server } from "node:http";
import { startAcmeSource } from "./acme-source";
import { listenForChallenges } from "./challenges";
import { startFilesSource } from "./files-source";
import { type TlsSettings, TlsSettingsError } from "./settings";
import type { CertificateSource, TlsLog } from "./source";
import type { AcmeStore } from "./store";

export interface Tls {
  source: CertificateSource;
  stop(): Promise<void>;
}

export interface StartTlsOptions {
  settings: TlsSettings;
  log: TlsLog;
  /** The service's listen address: the challenge port is opened on the same one. */
  host: string;
  /** The service's HTTPS port once it listens (the challenge port redirects there). */
  httpsPort: () => number | undefined;
  /** The shared store (auto mode keeps certificates in the database); null when the process has no database. */
  store: AcmeStore | null;
  /** Test seams: how often the ACME certificate is checked, the wait between failed attempts, the clock. */
  acmeCheckIntervalMs?: number;
  acmeRetryMs?: number;
  now?: () => Date;
}

/** Null when TLS is off; otherwise resolves once a certificate is ready to serve. */
export async function startTls(options: StartTlsOptions): Promise<Tls | null> {
  const { settings, log } = options;
  if (settings.mode === "off") return null;
  if (settings.mode === "files") {
    const source = startFilesSource({ certFile: settings.certFile, keyFile: settings.keyFile, log });
    const { fingerprint, notAfter } = source.current();
    log.info(`TLS certificate from ${settings.certFile}: ${fingerprint}, valid until ${notAfter.toISOString()}`);
    return { source, stop: () => source.stop() };
  }
  const store = options.store;
  if (store === null) {
    throw new TlsSettingsError(
      "KEYWARD_TLS=auto keeps the certificate in the database, shared by every Keyward process: give this one DATABASE_URL, or use KEYWARD_TLS=files",
    );
  }
  let source: CertificateSource | null = null;
  const challenges: Server | null = await listenForChallenges({
    port: settings.httpPort,
    host: options.host,
    store,
    source: () => source,
    httpsPort: options.httpsPort,
    log,
  });
  try {
    source = await startAcmeSource({
      settings,
      store,
      log,
      checkIntervalMs: options.acmeCheckIntervalMs,
      retryMs: options.acmeRetryMs,
      now: options.now,
    });
  } catch (error) {
    challenges?.close();
    throw error;
  }
  const started = source;
  return {
    source: started,
    async stop() {
      await started.stop();
      if (challenges) await new Promise((resolve) => challenges.close(resolve));
    },
  };
}
