// Keyward's key format (docs/api.md#keys): `<prefix>_<live|test>_<43 base62><6 base62 CRC-32>`.
// The checksum lets the SDK refuse typos and garbage with no network round trip. This is a
// second copy of the server's check (packages/auth-core/src/keys.ts), kept because the SDK must run
// without Keyward's internals and without node:crypto (fetch-only runtimes); a test checks that
// both agree on generated, altered and random keys.

const KEY_PATTERN = /^[a-z0-9]{2,10}_(?:live|test)_[0-9A-Za-z]{49}$/;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const CHECKSUM_LENGTH = 6;
const MAX_KEY_LENGTH = 65;

const CRC_TABLE = new Int32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  CRC_TABLE[n] = c;
}

/** Whether `raw` has the shape and checksum of a Keyward key (it may still be unknown, revoked…). */
export function isWellFormedKey(raw: unknown): raw is string {
  // Length first: a megabyte of garbage costs one comparison.
  if (typeof raw !== "string" || raw.length > MAX_KEY_LENGTH || !KEY_PATTERN.test(raw)) return false;
  const end = raw.length - CHECKSUM_LENGTH;
  let crc = -1;
  for (let i = 0; i < end; i++) crc = (crc >>> 8) ^ (CRC_TABLE[(crc ^ raw.charCodeAt(i)) & 0xff] as number);
  let checksum = 0;
  for (let i = end; i < raw.length; i++) checksum = checksum * 62 + BASE62.indexOf(raw.charAt(i));
  return checksum === (crc ^ -1) >>> 0;
}
