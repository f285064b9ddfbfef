/**
 * @module Symbol naming: each venue spells pairs its own way (`btcusdt`, `KRW-BTC`, `BTC-USD`);
 * everything inside Tickline uses canonical `BASE-QUOTE` in upper case, or `TICKER.EXCHANGE` for
 * a share (`AAPL.US`, `005930.KS`; see equity-symbols.ts).
 */
import { CRYPTO_PAIR_PATTERN } from '@tickline/protocol';
import { isEquitySymbol, toEquitySymbol } from './equity-symbols.ts';

/** Equity venues and the exchange suffix their tickers get (they send bare tickers). */
const EQUITY_VENUES: Readonly<Record<string, 'US' | 'KS'>> = { alpaca: 'US', kis: 'KS' };

/** Quote assets recognised when a venue glues base and quote together, longest first. */
export const KNOWN_QUOTES: readonly string[] = [
  'FDUSD',
  'USDT',
  'USDC',
  'BUSD',
  'TUSD',
  'DAI',
  'USD',
  'EUR',
  'GBP',
  'TRY',
  'BRL',
  'JPY',
  'KRW',
  'BTC',
  'ETH',
  'BNB',
];

const CANONICAL = new RegExp(`^${CRYPTO_PAIR_PATTERN}$`);

/** True for `BASE-QUOTE` in upper case, or an equity symbol (`AAPL.US`). */
export function isCanonicalSymbol(symbol: string): boolean {
  return CANONICAL.test(symbol) || isEquitySymbol(symbol);
}

function splitGlued(raw: string): string | null {
  for (const quote of KNOWN_QUOTES) {
    if (raw.length > quote.length && raw.endsWith(quote)) {
      return `${raw.slice(0, -quote.length)}-${quote}`;
    }
  }
  return null;
}

/**
 * The canonical name of a venue's symbol, or null when it cannot be read.
 * Binance glues (`btcusdt`), Upbit puts the quote first (`KRW-BTC`), Coinbase is already
 * canonical (`BTC-USD`); other sources accept `BTC-USDT`, `BTC/USDT` or `BTC_USDT`.
 */
export function toCanonicalSymbol(exchange: string, raw: string): string | null {
  const s = raw.trim().toUpperCase();
  // A share already spelled canonically (a CSV replay, a re-validated trade) reads as itself.
  if (isEquitySymbol(s)) return s;
  const listing = EQUITY_VENUES[exchange];
  if (listing)
    return toEquitySymbol(s.endsWith(`.${listing}`) ? s.slice(0, -listing.length - 1) : s, listing);
  let out: string | null;
  switch (exchange) {
    case 'binance':
      out = splitGlued(s);
      break;
    case 'upbit': {
      const [quote, base, extra] = s.split('-');
      out = quote && base && extra === undefined ? `${base}-${quote}` : null;
      break;
    }
    default:
      out = s.includes('-') || s.includes('/') || s.includes('_') ? s.replace(/[/_]/, '-') : splitGlued(s);
  }
  return out && isCanonicalSymbol(out) ? out : null;
}

/** The venue's spelling of a canonical symbol, for subscribe requests. */
export function toVenueSymbol(exchange: string, canonical: string): string {
  const listing = EQUITY_VENUES[exchange];
  if (listing && canonical.endsWith(`.${listing}`)) return canonical.slice(0, -listing.length - 1);
  const [base, quote] = canonical.split('-');
  switch (exchange) {
    case 'binance':
      return `${base}${quote}`.toLowerCase();
    case 'upbit':
      return `${quote}-${base}`;
    default:
      return canonical;
  }
}
