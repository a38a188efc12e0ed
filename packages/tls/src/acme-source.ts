// KEYWARD_TLS=auto: a certificate for KEYWARD_TLS_DOMAINS from an ACME authority (acme-client), proven
// by HTTP-01. The certificate lives in the shared store (store.ts): a process takes the stored one while
// it is fresh, and otherwise claims the order, so N replicas starting together make one order and the
// others wait for its result. Every process then checks the store periodically: a certificate renewed by
// another replica is picked up, and a due renewal is made by whichever process claims it first.
import { readFileSync } from "node:fs";
import { Agent } from "node:https";
import * as acme from "acme-client";
import { type CheckedCertificate, checkCertificate } from "./certificate";
import type { TlsSettings } from "./settings";
import { type CertificateSource, Listeners, type TlsLog } from "./source";
import type { AcmeStore } from "./store";

type AutoSettings = Extract<TlsSettings, { mode: "auto" }>;

const DAY_MS = 86_400_000;
/** How long one order may take before another process may try (an order normally takes seconds). */
const ORDER_CLAIM_MS = 10 * 60_000;
/**
 * After a failed order the next waits twice as long each time, up to 6 hours: an authority limits
 * failed validations (Let's Encrypt: 5 per name per hour), and a name whose DNS is not pointed yet
 * must not use them up.
 */
const MAX_BACKOFF_MS = 6 * 3_600_000;

export interface AcmeSourceOptions {
  settings: AutoSettings;
  store: AcmeStore;
  log: TlsLog;
  /** How often the store is checked for a renewed certificate and the certificate for being due. */
  checkIntervalMs?: number;
  /** How long a process waits before trying again after a failed order or while another process orders. */
  retryMs?: number;
  /** The clock renewal is judged by (tests move it forward). */
  now?: () => Date;
}

/**
 * Renewal is due 30 days before expiry, or when a third of the lifetime is left if that is sooner (a
 * CA issuing certificates shorter than 90 days, like a test server, must not be renewed in a loop).
 */
export function renewalDue(certificate: Pick<CheckedCertificate, "notBefore" | "notAfter">, now: Date): boolean {
  const lifetime = certificate.notAfter.getTime() - certificate.notBefore.getTime();
  const renewBefore = Math.min(30 * DAY_MS, lifetime / 3);
  return certificate.notAfter.getTime() - now.getTime() <= renewBefore;
}

/** Resolves once a certificate is in hand: the stored one, or one ordered now (retried until it succeeds). */
export async function startAcmeSource(options: AcmeSourceOptions): Promise<CertificateSource> {
  const { settings, store, log } = options;
  const name = settings.domains.join(",");
  const retryMs = options.retryMs ?? 5000;
  const now = options.now ?? (() => new Date());
  const listeners = new Listeners<CheckedCertificate>();
  if (settings.directoryCaFile) {
    // acme-client talks through one axios instance: a private ACME server's root is trusted for it alone.
    acme.axios.defaults.httpsAgent = new Agent({ ca: readFileSync(settings.directoryCaFile) });
  }

  const stored = async (): Promise<CheckedCertificate | null> => {
    const pair = await store.loadCertificate(name);
    if (!pair) return null;
    try {
      return checkCertificate(pair, `stored certificate for ${name}`);
    } catch (error) {
      log.error(`${(error as Error).message}: ordering a new one`);
      return null;
    }
  };

  const order = async (): Promise<CheckedCertificate> => {
    const accountKey = await store.accountKey(settings.directoryUrl, async () =>
      (await acme.crypto.createPrivateEcdsaKey()).toString(),
    );
    const client = new acme.Client({ directoryUrl: settings.directoryUrl, accountKey });
    const [key, csr] = await acme.crypto.createCsr(
      { commonName: settings.domains[0], altNames: [...settings.domains] },
      await acme.crypto.createPrivateEcdsaKey(),
    );
    const cert = await client.auto({
      csr,
      email: settings.email,
      // Choosing KEYWARD_TLS=auto is accepting the authority's terms (docs/operations.md says so).
      termsOfServiceAgreed: true,
      challengePriority: ["http-01"],
      // acme-client would first fetch the challenge itself through this machine's DNS, which behind NAT
      // or split-horizon DNS fails where the authority's own check succeeds.
      skipChallengeVerification: true,
      challengeCreateFn: (_authz, challenge, keyAuthorization) => store.putChallenge(challenge.token, keyAuthorization),
      challengeRemoveFn: (_authz, challenge) => store.removeChallenge(challenge.token),
    });
    const issued = checkCertificate({ cert, key: key.toString() }, `certificate issued by ${settings.directoryUrl}`);
    await store.saveCertificate(name, issued, issued.notAfter);
    log.info(`TLS certificate issued for ${name}: ${issued.fingerprint}, valid until ${issued.notAfter.toISOString()}`);
    return issued;
  };

  let failures = 0;
  let nextOrderAt = 0;
  const backoffMs = () => Math.min(retryMs * 2 ** Math.max(failures - 1, 0), MAX_BACKOFF_MS);

  /**
   * The stored certificate when fresh; else one ordered here if this process wins the claim and is not
   * backing off from a failure; else null.
   */
  const freshCertificate = async (): Promise<CheckedCertificate | null> => {
    const existing = await stored();
    if (existing && !renewalDue(existing, now())) return existing;
    if (Date.now() < nextOrderAt || !(await store.claimOrder(name, ORDER_CLAIM_MS))) return null;
    try {
      const issued = await order();
      failures = 0;
      return issued;
    } catch (error) {
      failures += 1;
      nextOrderAt = Date.now() + backoffMs();
      throw error;
    } finally {
      await store.releaseOrder(name);
    }
  };

  /** The stored certificate while it has not expired: due for renewal, it still serves until one succeeds. */
  const usable = async (): Promise<CheckedCertificate | null> => {
    const existing = await stored();
    return existing && existing.notAfter > now() ? existing : null;
  };

  let current: CheckedCertificate | null = null;
  while (current === null) {
    try {
      current = (await freshCertificate()) ?? (await usable());
      if (current === null && failures === 0) {
        log.info(`another Keyward process is ordering the certificate for ${name}; waiting`);
      }
    } catch (error) {
      log.error(
        `TLS certificate for ${name} not obtained (next attempt in ${Math.round(backoffMs() / 1000)} s): ${(error as Error).message}`,
      );
      current = await usable().catch(() => null);
    }
    if (current === null) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(retryMs, nextOrderAt - Date.now())));
    }
  }

  let checking = false;
  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const next = (await freshCertificate()) ?? (await usable());
      if (next && current && next.fingerprint !== current.fingerprint) {
        current = next;
        listeners.emit(next);
      }
    } catch (error) {
      log.error(
        `TLS certificate for ${name} not renewed (still serving until ${current?.notAfter.toISOString()}): ${(error as Error).message}`,
      );
    } finally {
      checking = false;
    }
  };
  const timer = setInterval(() => void check(), options.checkIntervalMs ?? 10 * 60_000);
  timer.unref();

  return {
    current: () => current as CheckedCertificate,
    onChange: (listener) => listeners.add(listener),
    async stop() {
      clearInterval(timer);
    },
  };
}
