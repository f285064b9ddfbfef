/**
 * @module Keys and consumer names as NATS tokens. A subject token may not hold `.`, `*`, `>` or
 * whitespace, and durable names also forbid path separators; any key (slashes, dots, spaces,
 * unicode, empty) is escaped reversibly: `[A-Za-z0-9_:-]` pass through, every other UTF-8 byte
 * becomes `~XX` (upper-case hex), and the empty key is a lone `~`.
 */

const SAFE = /^[A-Za-z0-9_:-]+$/;
const SAFE_BYTE = /[A-Za-z0-9_:-]/;
const EMPTY_TOKEN = '~';
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Escapes `value` into one valid subject token (also a valid durable consumer name). */
export function escapeToken(value: string): string {
  if (value === '') return EMPTY_TOKEN;
  // Most keys (zone-1, sym:BTC-USDT) need no escaping: skip the byte walk on the hot path.
  if (SAFE.test(value)) return value;
  let out = '';
  for (const byte of encoder.encode(value)) {
    const char = String.fromCharCode(byte);
    out +=
      byte < 0x80 && SAFE_BYTE.test(char) ? char : `~${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Reverses {@link escapeToken}; throws on a token it could not have produced. */
export function unescapeToken(token: string): string {
  if (token === EMPTY_TOKEN) return '';
  if (!token.includes('~')) return token;
  const bytes: number[] = [];
  for (let i = 0; i < token.length; i++) {
    if (token[i] === '~') {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) throw new Error(`malformed escaped token "${token}"`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(token.charCodeAt(i));
    }
  }
  return decoder.decode(new Uint8Array(bytes));
}

/** Separates the segments of a segmented key (`c:market:BTC-USDT:trades`). */
export const KEY_SEGMENT_SEPARATOR = ':';

/**
 * Subject naming for one stream: `${prefix}.${escaped key}`, one token per key. Segmented, each
 * `:`-separated segment of the key is its own token (`c:market:BTC-USDT:trades` →
 * `${prefix}.c.market.BTC-USDT.trades`), so subscribers and consumer filters can use per-segment
 * wildcards (`${prefix}.c.market.*.ticker`).
 */
export class SubjectScheme {
  readonly prefix: string;
  /** The stream's subject filter. */
  readonly wildcard: string;
  readonly segmented: boolean;
  readonly #prefixLength: number;

  constructor(prefix: string, options: { segmented?: boolean } = {}) {
    this.prefix = prefix;
    this.segmented = options.segmented ?? false;
    this.wildcard = `${prefix}.${this.segmented ? '>' : '*'}`;
    this.#prefixLength = prefix.length + 1;
  }

  subjectFor(key: string): string {
    if (!this.segmented) return `${this.prefix}.${escapeToken(key)}`;
    return `${this.prefix}.${key.split(KEY_SEGMENT_SEPARATOR).map(escapeToken).join('.')}`;
  }

  keyOf(subject: string): string {
    const rest = subject.slice(this.#prefixLength);
    if (!this.segmented) return unescapeToken(rest);
    return rest.split('.').map(unescapeToken).join(KEY_SEGMENT_SEPARATOR);
  }
}
