import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Password hashing for dashboard users: scrypt with OWASP's parameters (Password Storage Cheat
 * Sheet: N=2^17, r=8, p=1, i.e. 128 MiB per hash). Stored format, self-describing so a hash made
 * with other parameters is still verified with its own, then replaced at login (needsRehash):
 *
 *   scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
 *
 * scrypt runs on libuv's thread pool, never on the event loop.
 */

export interface PasswordHashing {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** What every new hash uses. Tests may pass cheaper parameters explicitly; production code never does. */
export const PASSWORD_HASHING: Readonly<PasswordHashing> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Node's default maxmem (32 MiB) is below what N=2^17, r=8 needs (128 MiB); this also caps stored params.
const MAX_MEMORY = 256 * 1024 * 1024;
// Each derivation holds up to 128 MiB and one of libuv's 4 threads (shared with fs and DNS): 2 at a time.
const MAX_CONCURRENT_DERIVATIONS = 2;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export async function hashPassword(pw: string, hashing: PasswordHashing = PASSWORD_HASHING): Promise<string> {
  if (!validParams(hashing)) throw new RangeError(`Unusable scrypt parameters ${JSON.stringify(hashing)}`);
  const { N, r, p } = hashing;
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(pw, salt, HASH_BYTES, { N, r, p, maxmem: MAX_MEMORY });
  return ["scrypt", N, r, p, salt.toString("base64url"), hash.toString("base64url")].join("$");
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

/** Whether a (verified) stored hash was made otherwise than `hashing` would make it now: rehash it. */
export function needsRehash(stored: string, hashing: PasswordHashing = PASSWORD_HASHING): boolean {
  const params = parseStored(stored);
  if (params === null) return false;
  const { N, r, p } = params.options;
  return (
    N !== hashing.N ||
    r !== hashing.r ||
    p !== hashing.p ||
    params.salt.length !== SALT_BYTES ||
    params.hash.length !== HASH_BYTES
  );
}

interface StoredHash {
  options: ScryptOptions & PasswordHashing;
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
  // Bounded so a tampered row cannot make one login burn gigabytes or minutes.
  if (!validParams({ N: cost, r: blockSize, p: parallelism })) return null;
  const hashBytes = Buffer.from(hash, "base64url");
  if (hashBytes.length < 16 || hashBytes.length > 64) return null;
  return {
    options: { N: cost, r: blockSize, p: parallelism, maxmem: MAX_MEMORY },
    salt: Buffer.from(salt, "base64url"),
    hash: hashBytes,
  };
}

function validParams({ N, r, p }: PasswordHashing): boolean {
  return isPowerOfTwo(N) && isIntegerIn(r, 1, 32) && isIntegerIn(p, 1, 16) && 128 * r * (N + p + 2) <= MAX_MEMORY;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && n <= 2 ** 24 && (n & (n - 1)) === 0;
}

function isIntegerIn(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

let running = 0;
const waiting: (() => void)[] = [];

/** Runs `task` when fewer than MAX_CONCURRENT_DERIVATIONS run; the slot passes straight to the next waiter. */
async function inSlot<T>(task: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT_DERIVATIONS) running += 1;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await task();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  }
}

function derive(pw: string, salt: Buffer, length: number, options: ScryptOptions): Promise<Buffer> {
  return inSlot(
    () =>
      new Promise((resolve, reject) => {
        scrypt(pw, salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
      }),
  );
}
