/**
 * @module A user agent summarised as "browser on system" — what a new-sign-in notice names and
 * what a session remembers as its device. Versions are left out on purpose: a browser updating
 * itself every few weeks is the same device, not a new sign-in to warn about.
 */

/** The summary of a request without a user agent. */
export const UNKNOWN_DEVICE = 'unknown device';
/** A user agent is the client's to write: only this much of a summary is kept. */
const MAX_SUMMARY = 80;

/** Most specific first: Edge and Opera also say Chrome, Chrome also says Safari. */
const CLIENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|Chromium|CriOS)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
  [/^curl\//, 'curl'],
  [/^Wget\//, 'Wget'],
  [/^python-requests\//, 'Python requests'],
  [/^(node|undici)\b/, 'Node.js'],
  [/^tickline\b/i, 'Tickline CLI'],
];
const SYSTEMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

const first = (table: ReadonlyArray<readonly [RegExp, string]>, ua: string) =>
  table.find(([pattern]) => pattern.test(ua))?.[1];

/**
 * "Firefox on Linux", "Safari on iOS", "curl"; for an agent it does not know, the agent's first
 * product name ("MyBot/2.1 (+https://…)" → "MyBot"), printable characters only.
 */
export function summariseDevice(userAgent: string | undefined): string {
  // eslint-disable-next-line no-control-regex
  const ua = (userAgent ?? '').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  if (ua.length === 0) return UNKNOWN_DEVICE;
  const client = first(CLIENTS, ua);
  const system = first(SYSTEMS, ua);
  if (client) return system ? `${client} on ${system}` : client;
  const product = /^[^\s/()]+/.exec(ua)?.[0];
  const name = product && product !== 'Mozilla' ? product : 'unknown browser';
  return (system ? `${name} on ${system}` : name).slice(0, MAX_SUMMARY);
}
