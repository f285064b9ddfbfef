/** @module The enrolment QR code as SVG (uqr: pure JavaScript, no canvas). */
import { renderSVG } from 'uqr';

/** An SVG image of `text` (the otpauth URI), for an `<img src="data:image/svg+xml,…">` or inline. */
export function qrSvg(text: string): string {
  return renderSVG(text, { ecc: 'M', border: 2 });
}

/** The SVG as a data URL. */
export function qrDataUrl(text: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(qrSvg(text), 'utf8').toString('base64')}`;
}
