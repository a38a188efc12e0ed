import { hash, randomBytes } from "node:crypto";

/**
 * Keyward API keys, docs/api.md#keys.
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

export const ENVIRONMENTS = ["live", "test"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

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
  const key = unchecked + encodeBase62(BigInt(asciiCrc32(unchecked, unchecked.length)), CHECKSUM_LENGTH);
  const hash = hashKey(key);
  return { key, hash, start: keyStart(key), fingerprint: fingerprintOf(hash) };
}

export function parseKey(raw: unknown): ParsedKey | null {
  if (!isWellFormedKey(raw)) return null;
  const [, prefix, environment, body, checksum] = KEY_PATTERN.exec(raw) as RegExpExecArray;
  return { prefix, environment, body, checksum } as ParsedKey;
}

/**
 * `parseKey(raw) !== null` without building its parts. It runs on every request, so it walks the
 * string once, checking each character's class and folding it into the CRC as it goes: the
 * equivalent regex plus zlib's crc32 cost about as much as the key's SHA-256 (bench figure 1).
 */
export function isWellFormedKey(raw: unknown): raw is string {
  // Length first: a megabyte of garbage costs one comparison.
  if (typeof raw !== "string" || raw.length < MIN_KEY_LENGTH || raw.length > MAX_KEY_LENGTH) return false;
  // The length fixes every part's position: the prefix is what the fixed-size parts leave.
  const prefixEnd = raw.length - (1 + 4 + 1 + BODY_LENGTH + CHECKSUM_LENGTH);
  const bodyStart = prefixEnd + 6;
  const checksumAt = raw.length - CHECKSUM_LENGTH;
  if (raw.charCodeAt(prefixEnd) !== UNDERSCORE || raw.charCodeAt(prefixEnd + 5) !== UNDERSCORE) return false;
  if (!raw.startsWith("live", prefixEnd + 1) && !raw.startsWith("test", prefixEnd + 1)) return false;
  // One loop per part, so each loop body is branch-free but for its class check.
  let crc = -1;
  for (let i = 0; i < prefixEnd; i++) {
    const code = raw.charCodeAt(i);
    if (!isOfClass(code, PREFIX_CHAR)) return false;
    crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ code) & 0xff] as number);
  }
  for (let i = prefixEnd; i < bodyStart; i++)
    crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ raw.charCodeAt(i)) & 0xff] as number);
  for (let i = bodyStart; i < checksumAt; i++) {
    const code = raw.charCodeAt(i);
    if (!isOfClass(code, BASE62_CHAR)) return false;
    crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ code) & 0xff] as number);
  }
  let checksum = 0;
  for (let i = checksumAt; i < raw.length; i++) {
    const code = raw.charCodeAt(i);
    if (!isOfClass(code, BASE62_CHAR)) return false;
    checksum = checksum * 62 + base62Digit(code);
  }
  return checksum === (crc ^ -1) >>> 0;
}

const UNDERSCORE = 95;
const PREFIX_CHAR = 1;
const BASE62_CHAR = 2;
/** Character classes of ASCII codes: PREFIX_CHAR for [a-z0-9], BASE62_CHAR for [0-9A-Za-z]. */
const CHAR_CLASS = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  const c = String.fromCharCode(code);
  if (/[a-z0-9]/.test(c)) CHAR_CLASS[code] = (CHAR_CLASS[code] as number) | PREFIX_CHAR;
  if (/[0-9A-Za-z]/.test(c)) CHAR_CLASS[code] = (CHAR_CLASS[code] as number) | BASE62_CHAR;
}

function isOfClass(code: number, charClass: number): boolean {
  return code < 128 && ((CHAR_CLASS[code] as number) & charClass) !== 0;
}

/** CRC-32 (IEEE, as zlib's crc32; keys.test.ts checks them against each other) of an ASCII string's first `end` chars. */
export function asciiCrc32(s: string, end: number): number {
  let crc = -1;
  for (let i = 0; i < end; i++) crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ s.charCodeAt(i)) & 0xff] as number);
  return (crc ^ -1) >>> 0;
}

const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
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

function base62Digit(code: number): number {
  if (code <= 57) return code - 48; // 0-9
  if (code <= 90) return code - 55; // A-Z
  return code - 61; // a-z
}
