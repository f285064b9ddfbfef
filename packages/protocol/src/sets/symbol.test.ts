import { describe, expect, it } from 'vitest';
import { SymbolSchema, SYMBOL_RE } from './symbol.ts';

describe('symbol - the one wire pattern', () => {
  it('symbol - takes pairs and shares with their exchange suffix', () => {
    for (const s of ['BTC-USDT', 'ETH-KRW', 'AAPL.US', 'BRK.B.US', '005930.KS', 'A.US'])
      expect(SymbolSchema.safeParse(s).success, s).toBe(true);
  });

  it('symbol - refuses lower case, glued pairs, unknown exchanges and non-KRX codes on KS', () => {
    for (const s of [
      'btc-usdt',
      'BTCUSDT',
      'aapl.us',
      'AAPL',
      'AAPL.NYSE',
      '5930.KS',
      'SAMSUNG.KS',
      'BRK.BB.US',
      '',
    ]) {
      expect(SymbolSchema.safeParse(s).success, s).toBe(false);
      expect(SYMBOL_RE.test(s), s).toBe(false);
    }
  });
});
