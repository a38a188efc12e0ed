// The QR code of an otpauth:// URI, drawn as one SVG path the page renders inline: no image URL,
// nothing for the Content-Security-Policy to allow, and the seed never leaves the page's markup.
import QRCode from "qrcode";

/** Modules are 1×1 squares in a `size`×`size` viewBox (a 4-module quiet zone included). */
export interface QrPath {
  size: number;
  path: string;
}

const QUIET_ZONE = 4;

export function qrPath(text: string): QrPath {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const squares: string[] = [];
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) squares.push(`M${col + QUIET_ZONE} ${row + QUIET_ZONE}h1v1h-1z`);
    }
  }
  return { size: modules.size + 2 * QUIET_ZONE, path: squares.join("") };
}
