// Where KEYWARD_TLS=auto keeps what every process and replica of an installation shares: the issued
// certificate (its key sealed with the secret box, like every secret Keyward keeps), the ACME account
// key, the HTTP-01 challenges in flight, and who is ordering right now. In the database, so whichever
// replica the certificate authority reaches can answer its challenge, and one order serves them all.
import type { Db } from "@keyward/db";
import type { CertificatePair } from "./certificate";

/** The secret box (@keyward/core's aesSecretBox under KEYWARD_ENCRYPTION_KEY), as this package needs it. */
export interface Sealer {
  seal(plaintext: string, purpose: string): string;
  unseal(sealed: string, purpose: string): string | null;
}

export interface AcmeStore {
  loadCertificate(name: string): Promise<CertificatePair | null>;
  saveCertificate(name: string, pair: CertificatePair, notAfter: Date): Promise<void>;
  /** True when this process may order the certificate now: nobody else claimed it in the last `ms`. */
  claimOrder(name: string, ms: number): Promise<boolean>;
  releaseOrder(name: string): Promise<void>;
  /** The account key for a directory: the stored one, else `create()`'s, stored (the first writer wins a race). */
  accountKey(directoryUrl: string, create: () => Promise<string>): Promise<string>;
  putChallenge(token: string, keyAuthorization: string): Promise<void>;
  removeChallenge(token: string): Promise<void>;
  challenge(token: string): Promise<string | null>;
}

export function databaseAcmeStore(db: Db, sealer: Sealer): AcmeStore {
  const keyPurpose = (name: string) => `tls-certificate-key:${name}`;
  const accountPurpose = (url: string) => `acme-account-key:${url}`;
  return {
    async loadCertificate(name) {
      const row = await db.tlsCertificate.findUnique({ where: { name } });
      if (!row?.certificatePem || !row.sealedKey) return null;
      const key = sealer.unseal(row.sealedKey, keyPurpose(name));
      // Sealed under another KEYWARD_ENCRYPTION_KEY: as if there were none, so a new one is ordered.
      return key === null ? null : { cert: row.certificatePem, key };
    },
    async saveCertificate(name, pair, notAfter) {
      const data = { certificatePem: pair.cert, sealedKey: sealer.seal(pair.key, keyPurpose(name)), notAfter };
      await db.tlsCertificate.upsert({ where: { name }, create: { name, ...data }, update: data });
    },
    async claimOrder(name, ms) {
      const now = new Date();
      await db.tlsCertificate.createMany({ data: [{ name }], skipDuplicates: true });
      // One conditional update decides between replicas starting at once.
      const claimed = await db.tlsCertificate.updateMany({
        where: { name, OR: [{ orderingUntil: null }, { orderingUntil: { lt: now } }] },
        data: { orderingUntil: new Date(now.getTime() + ms) },
      });
      return claimed.count === 1;
    },
    async releaseOrder(name) {
      await db.tlsCertificate.updateMany({ where: { name }, data: { orderingUntil: null } });
    },
    async accountKey(directoryUrl, create) {
      const stored = await db.acmeAccount.findUnique({ where: { directoryUrl } });
      if (!stored) {
        const sealedKey = sealer.seal(await create(), accountPurpose(directoryUrl));
        await db.acmeAccount.createMany({ data: [{ directoryUrl, sealedKey }], skipDuplicates: true });
      }
      const row = await db.acmeAccount.findUniqueOrThrow({ where: { directoryUrl } });
      const key = sealer.unseal(row.sealedKey, accountPurpose(directoryUrl));
      if (key !== null) return key;
      // Sealed under another KEYWARD_ENCRYPTION_KEY: a new account replaces it (an account holds nothing but its key).
      const created = await create();
      await db.acmeAccount.update({
        where: { directoryUrl },
        data: { sealedKey: sealer.seal(created, accountPurpose(directoryUrl)) },
      });
      return created;
    },
    async putChallenge(token, keyAuthorization) {
      await db.acmeChallenge.upsert({
        where: { token },
        create: { token, keyAuthorization },
        update: { keyAuthorization },
      });
    },
    async removeChallenge(token) {
      await db.acmeChallenge.deleteMany({ where: { token } });
    },
    async challenge(token) {
      const row = await db.acmeChallenge.findUnique({ where: { token } });
      return row?.keyAuthorization ?? null;
    },
  };
}
