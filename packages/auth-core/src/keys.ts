import { hash, randomBytes } from "node:crypto";
import { crc32 } from "node:zlib";

/**
 * Keyward API keys, SPEC §2.
 *
 *   <prefix>_<env>_<body><checksum>          e.g. kw_live_0Ab3d…(43)…Xy12zQ
 *
 *   prefix    2–10 chars [a-z0-9]             the company's prefix, default "kw"
 *   env       "live" | "test"                 a test key always contains "_test_"
 *   body      43 base62 chars                 32 CSPRNG bytes as one big-endian
 *                                             integer, left-padded with '0'
 *                                             (62^43 > 2^256, so 43 always fit)
 *   checksum  6 base62 chars                  CRC32 of "<prefix>_<env>_<body>",
 *                                             left-padded with '0' (62^6 > 2^32)
 *
 *   base62 alphabet: 0-9 A-Z a-z (digit value = index in that string)
 *   total length: prefix + 1 + 4 + 1 + 43 + 6 = 57..65 ASCII chars
 *
 * The checksum lets the API reject typos and garbage with no database or cache
 * access. At rest only SHA-256(key) is stored (hex); the fingerprint is its first
 * 8 hex chars and `start` (prefix_env_ + 4 body chars) is kept for display.
 */

export type Environment = "live" | "test";

export interface ParsedKey {
  prefix: string;
  environment: Environment;
  body: string;
  checksum: string;
}

export interface GeneratedKey {
  key: string;
  hash: string;
  start: string;
  fingerprint: string;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BODY_BYTES = 32;
const BODY_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const START_BODY_CHARS = 4;
const MIN_KEY_LENGTH = 2 + 1 + 4 + 1 + BODY_LENGTH + CHECKSUM_LENGTH;
const MAX_KEY_LENGTH = 10 + 1 + 4 + 1 + BODY_LENGTH + CHECKSUM_LENGTH;

const PREFIX_PATTERN = /^[a-z0-9]{2,10}$/;
// The prefix charset excludes '_', so this regex cannot backtrack.
const KEY_PATTERN = /^([a-z0-9]{2,10})_(live|test)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;
const SHA256_HEX_PATTERN = /^[0-9a-f]{64}$/;

export function isValidPrefix(prefix: string): boolean {
  return typeof prefix === "string" && PREFIX_PATTERN.test(prefix);
}

export function generateKey(opts: { prefix: string; environment: Environment }): GeneratedKey {
  if (!isValidPrefix(opts.prefix)) {
    throw new Error(`Invalid key prefix ${JSON.stringify(opts.prefix)}: expected 2-10 chars [a-z0-9]`);
  }
  if (opts.environment !== "live" && opts.environment !== "test") {
    throw new Error(`Invalid key environment ${JSON.stringify(opts.environment)}`);
  }
  const body = encodeBase62(bytesToBigInt(randomBytes(BODY_BYTES)), BODY_LENGTH);
  const unchecked = `${opts.prefix}_${opts.environment}_${body}`;
  const key = unchecked + encodeBase62(BigInt(crc32(unchecked)), CHECKSUM_LENGTH);
  const hash = hashKey(key);
  return { key, hash, start: keyStart(key), fingerprint: fingerprintOf(hash) };
}

export function parseKey(raw: unknown): ParsedKey | null {
  // Length first: a megabyte of garbage costs one comparison, not a regex run.
  if (typeof raw !== "string" || raw.length < MIN_KEY_LENGTH || raw.length > MAX_KEY_LENGTH) {
    return null;
  }
  const match = KEY_PATTERN.exec(raw);
  if (match === null) return null;
  const [, prefix, environment, body, checksum] = match;
  if (prefix === undefined || body === undefined || checksum === undefined) return null;
  if (decodeBase62(checksum) !== crc32(raw.slice(0, raw.length - CHECKSUM_LENGTH))) return null;
  return { prefix, environment: environment as Environment, body, checksum };
}

export function hashKey(key: string): string {
  // One-shot hash (Node ≥ 20.12): half the cost of createHash().update().digest() for a short key.
  return hash("sha256", key, "hex");
}

export function fingerprintOf(hash: string): string {
  return hash.slice(0, 8);
}

export function keyStart(key: string): string {
  const envEnd = key.indexOf("_", key.indexOf("_") + 1);
  return key.slice(0, envEnd + 1 + START_BODY_CHARS);
}

/** Lowercase only: stored hashes are lowercase, so an uppercase import would never match. */
export function looksLikeSha256Hex(s: string): boolean {
  return typeof s === "string" && SHA256_HEX_PATTERN.test(s);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}

// 62^8 < 2^53: the value is cut into 8-digit chunks with BigInt, and each chunk into digits with
// plain numbers (43 BigInt divisions per key made seeding 100,000 keys take longer than using them).
const CHUNK_DIGITS = 8;
const CHUNK = 62n ** BigInt(CHUNK_DIGITS);

function encodeBase62(value: bigint, width: number): string {
  let out = "";
  let n = value;
  while (n > 0n) {
    let chunk = Number(n % CHUNK);
    n /= CHUNK;
    // Inner chunks keep their leading zeros; the most significant one stops at its last digit.
    for (let i = 0; i < CHUNK_DIGITS && (n > 0n || chunk > 0); i++) {
      out = BASE62.charAt(chunk % 62) + out;
      chunk = Math.floor(chunk / 62);
    }
  }
  return out.padStart(width, "0");
}

// Callers pass only [0-9A-Za-z] strings of at most 6 chars, so the result fits a double exactly.
function decodeBase62(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) n = n * 62 + base62Digit(s.charCodeAt(i));
  return n;
}

function base62Digit(code: number): number {
  if (code <= 57) return code - 48; // 0-9
  if (code <= 90) return code - 55; // A-Z
  return code - 61; // a-z
}
