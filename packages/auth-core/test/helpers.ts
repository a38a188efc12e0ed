import { crc32 } from "node:zlib";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Appends a correct checksum, so a test can prove a rejection is about layout, not the CRC. */
export function withChecksum(unchecked: string): string {
  let n = crc32(unchecked);
  let out = "";
  while (n > 0) {
    out = BASE62.charAt(n % 62) + out;
    n = Math.floor(n / 62);
  }
  return unchecked + out.padStart(6, "0");
}

/** A different char of the same class (digit, lower, upper), so only the checksum can catch it. */
export function typoOf(c: string): string {
  for (const charClass of ["0123456789", "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]) {
    const i = charClass.indexOf(c);
    if (i !== -1) return charClass.charAt((i + 1) % charClass.length);
  }
  return c === "_" ? "-" : "_";
}

export const BODY_43 = "Ab3d".padEnd(43, "x");
