import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Password hashing for dashboard users. Stored format, self-describing so the
 * cost can be raised later without breaking existing hashes:
 *
 *   scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
 */

const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Node's default maxmem (32 MiB) is just below what N=2^15, r=8 needs; this also caps stored params.
const MAX_MEMORY = 256 * 1024 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(pw, salt, HASH_BYTES, { N, r: R, p: P, maxmem: MAX_MEMORY });
  return ["scrypt", N, R, P, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

export async function verifyPassword(pw: string, stored: string): Promise<boolean> {
  const params = parseStored(stored);
  if (params === null || typeof pw !== "string") return false;
  try {
    const actual = await derive(pw, params.salt, params.hash.length, params.options);
    return timingSafeEqual(actual, params.hash);
  } catch {
    return false;
  }
}

interface StoredHash {
  options: ScryptOptions;
  salt: Buffer;
  hash: Buffer;
}

function parseStored(stored: string): StoredHash | null {
  if (typeof stored !== "string") return null;
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [cost, blockSize, parallelism] = parts.slice(1, 4).map(Number);
  const [salt, hash] = parts.slice(4);
  if (cost === undefined || blockSize === undefined || parallelism === undefined) return null;
  if (salt === undefined || hash === undefined || !BASE64URL.test(salt) || !BASE64URL.test(hash)) return null;
  if (!isPowerOfTwo(cost) || !isIntegerIn(blockSize, 1, 32) || !isIntegerIn(parallelism, 1, 16)) return null;
  // Bounded so a tampered row cannot make one login burn gigabytes or minutes.
  if (128 * blockSize * (cost + parallelism + 2) > MAX_MEMORY) return null;
  const hashBytes = Buffer.from(hash, "base64url");
  if (hashBytes.length < 16 || hashBytes.length > 64) return null;
  return {
    options: { N: cost, r: blockSize, p: parallelism, maxmem: MAX_MEMORY },
    salt: Buffer.from(salt, "base64url"),
    hash: hashBytes,
  };
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && n <= 2 ** 24 && (n & (n - 1)) === 0;
}

function isIntegerIn(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

function derive(pw: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(pw, salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
