// The API's ES256 signing keys (table `signing_keys`). At start each replica takes an advisory
// lock and uses the newest active key it can decrypt, creating one when there is none, so replicas
// starting together agree on one key. Public keys are held in memory for verification; a token
// with an unknown `kid` (signed by a key another replica just made) reloads them from the
// database, at most once per cooldown, so forged kids cannot turn into one query per request.
// A database that is down at start does not stop the API: the keys are loaded in the background
// and, until then, issuing a token answers 503.
import { KeywardError } from "@keyward/auth-core";
import type { Db, Prisma } from "@keyward/db";
import type { FastifyBaseLogger } from "fastify";
import { type CryptoKey, calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { seal, unseal } from "./encryption";

export const SIGNING_ALGORITHM = "ES256";
const CREATE_LOCK = 4242002;
const RELOAD_COOLDOWN_MS = 5000;
const JWKS_MAX_AGE_MS = 60_000;
const START_RETRY_MS = 2000;

/** Only the public members of an EC key are ever copied out of a row. */
export interface PublicSigningKey {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: typeof SIGNING_ALGORITHM;
  use: "sig";
}

const purposeOf = (kid: string) => `keyward:signing-key:${kid}`;

export class SigningKeys {
  readonly #db: Db;
  readonly #encryptionKey: Buffer;
  readonly #log: FastifyBaseLogger;
  readonly #cooldownMs: number;
  #signer: { kid: string; privateKey: CryptoKey } | undefined;
  #publicKeys = new Map<string, CryptoKey>();
  #jwks: PublicSigningKey[] = [];
  #attemptedAt = 0;
  #loaded = false;
  #loading: Promise<void> | null = null;
  #retry: NodeJS.Timeout | undefined;
  #stopped = false;

  private constructor(opts: { db: Db; encryptionKey: Buffer; log: FastifyBaseLogger; reloadCooldownMs?: number }) {
    this.#db = opts.db;
    this.#encryptionKey = opts.encryptionKey;
    this.#log = opts.log;
    this.#cooldownMs = opts.reloadCooldownMs ?? RELOAD_COOLDOWN_MS;
  }

  static async start(opts: {
    db: Db;
    encryptionKey: Buffer;
    log: FastifyBaseLogger;
    reloadCooldownMs?: number;
  }): Promise<SigningKeys> {
    const keys = new SigningKeys(opts);
    await keys.#prepare();
    return keys;
  }

  async #prepare(): Promise<void> {
    try {
      await this.#chooseSigner();
      await this.#reload();
    } catch (err) {
      if (this.#stopped) return;
      this.#log.warn({ err: (err as Error).message }, "signing keys not loaded (database unreachable?); retrying");
      this.#retry = setTimeout(() => void this.#prepare(), START_RETRY_MS);
      this.#retry.unref();
    }
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
  }

  get signer(): { kid: string; privateKey: CryptoKey } {
    if (!this.#signer)
      throw new KeywardError("SERVICE_UNAVAILABLE", "Signing keys are not loaded yet, try again shortly");
    return this.#signer;
  }

  /** The public key for `kid`; an unknown kid reloads from the database unless it did so within the cooldown. */
  async publicKey(kid: string): Promise<CryptoKey | null> {
    const known = this.#publicKeys.get(kid);
    if (known !== undefined) return known;
    if (Date.now() - this.#attemptedAt < this.#cooldownMs) {
      if (!this.#loaded) throw new Error("signing keys are not loaded yet");
      return null;
    }
    await this.#reload();
    return this.#publicKeys.get(kid) ?? null;
  }

  /** The JWK Set for `/.well-known/jwks.json`: every active key, so tokens of other replicas verify too. */
  async jwks(): Promise<{ keys: PublicSigningKey[] }> {
    if (Date.now() - this.#attemptedAt >= JWKS_MAX_AGE_MS) await this.#reload().catch(() => undefined);
    if (!this.#loaded)
      throw new KeywardError("SERVICE_UNAVAILABLE", "Signing keys are not loaded yet, try again shortly");
    return { keys: this.#jwks };
  }

  #reload(): Promise<void> {
    // Concurrent misses share one query.
    this.#loading ??= this.#load().finally(() => {
      this.#loading = null;
    });
    return this.#loading;
  }

  async #load(): Promise<void> {
    this.#attemptedAt = Date.now();
    const rows = await this.#db.signingKey.findMany({
      where: { retiredAt: null, algorithm: SIGNING_ALGORITHM },
      orderBy: { createdAt: "desc" },
      select: { id: true, publicJwk: true },
    });
    const publicKeys = new Map<string, CryptoKey>();
    const jwks: PublicSigningKey[] = [];
    for (const row of rows) {
      const { kty, crv, x, y } = row.publicJwk as { kty: string; crv: string; x: string; y: string };
      const jwk: PublicSigningKey = { kty, crv, x, y, kid: row.id, alg: SIGNING_ALGORITHM, use: "sig" };
      try {
        publicKeys.set(row.id, (await importJWK(jwk, SIGNING_ALGORITHM)) as CryptoKey);
        jwks.push(jwk);
      } catch (err) {
        this.#log.error({ kid: row.id, err: (err as Error).message }, "unusable public signing key skipped");
      }
    }
    this.#publicKeys = publicKeys;
    this.#jwks = jwks;
    this.#loaded = true;
  }

  async #chooseSigner(): Promise<void> {
    this.#signer = await this.#db.$transaction(
      async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${CREATE_LOCK})`;
        const rows = await tx.signingKey.findMany({
          where: { retiredAt: null, algorithm: SIGNING_ALGORITHM },
          orderBy: { createdAt: "desc" },
        });
        for (const row of rows) {
          const privateJwk = unseal(this.#encryptionKey, row.privateJwkEnc, purposeOf(row.id));
          if (privateJwk === null) continue;
          const privateKey = (await importJWK(JSON.parse(privateJwk) as JWK, SIGNING_ALGORITHM)) as CryptoKey;
          return { kid: row.id, privateKey };
        }
        if (rows.length > 0) {
          // Tokens still verify everywhere (public keys are not encrypted); this replica just signs with its own key.
          this.#log.warn(
            "no active signing key can be decrypted with this KEYWARD_ENCRYPTION_KEY: creating another; give every replica the same key",
          );
        }
        const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
        const publicJwk = await exportJWK(publicKey);
        const kid = await calculateJwkThumbprint(publicJwk);
        await tx.signingKey.create({
          data: {
            id: kid,
            algorithm: SIGNING_ALGORITHM,
            publicJwk: publicJwk as Prisma.InputJsonValue,
            privateJwkEnc: seal(this.#encryptionKey, JSON.stringify(await exportJWK(privateKey)), purposeOf(kid)),
          },
        });
        this.#log.info({ kid }, "created a JWT signing key");
        return { kid, privateKey };
      },
      { timeout: 15_000 },
    );
  }
}
