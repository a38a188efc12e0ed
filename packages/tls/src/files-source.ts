// KEYWARD_TLS=files: the operator's certificate and key (PEM), read at start and again whenever either
// file changes, so a renewal by certbot, cert-manager or a cron job is served without a restart. A
// half-written or mismatched pair is refused and the last good one stays in service.
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { type CheckedCertificate, checkCertificate } from "./certificate";
import { type CertificateSource, Listeners, type TlsLog } from "./source";

export interface FilesSourceOptions {
  certFile: string;
  keyFile: string;
  log: TlsLog;
  /** How often the files' status is read. Polling, not inotify: it sees the symlink swaps of Kubernetes secret mounts. */
  intervalMs?: number;
}

/** Reads the pair now (a missing or bad pair throws, so the process does not start), then watches it. */
export function startFilesSource(options: FilesSourceOptions): CertificateSource {
  const { certFile, keyFile, log } = options;
  const read = (): CheckedCertificate =>
    checkCertificate(
      { cert: readPem(certFile, "KEYWARD_TLS_CERT"), key: readPem(keyFile, "KEYWARD_TLS_KEY") },
      `${certFile} + ${keyFile}`,
    );
  let current = read();
  const listeners = new Listeners<CheckedCertificate>();

  const reload = () => {
    let next: CheckedCertificate;
    try {
      next = read();
    } catch (error) {
      // A renewal writes two files one after the other: the first change can see a new certificate
      // with the old key. The second change reads the pair again.
      log.error(`TLS certificate not reloaded, still serving ${current.fingerprint}: ${(error as Error).message}`);
      return;
    }
    if (next.fingerprint === current.fingerprint && next.key === current.key) return;
    current = next;
    log.info(
      `TLS certificate reloaded from ${certFile}: ${next.fingerprint}, valid until ${next.notAfter.toISOString()}`,
    );
    listeners.emit(next);
  };
  for (const file of [certFile, keyFile]) {
    watchFile(file, { interval: options.intervalMs ?? 1000, persistent: false }, reload);
  }

  return {
    current: () => current,
    onChange: (listener) => listeners.add(listener),
    async stop() {
      for (const file of [certFile, keyFile]) unwatchFile(file, reload);
    },
  };
}

function readPem(file: string, variable: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(
      `${variable}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}
