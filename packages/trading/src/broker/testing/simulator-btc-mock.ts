/**
 * @module A Binance spot mock as the end-to-end tests of a bound portfolio use it: BTCUSDT near the
 * market simulator's price (so the risk check, which marks at the simulated price, agrees with the
 * venue), 10,000 USDT, one trading key and one key that can withdraw (which binding must refuse).
 */
import { BinanceSpotMock } from './binance-spot-mock.ts';

export interface SimulatorMockKeys {
  key: string;
  secret: string;
  withdrawKey: string;
  withdrawSecret: string;
}

export function simulatorBtcMock(keys: SimulatorMockKeys): BinanceSpotMock {
  return new BinanceSpotMock({
    apiKey: keys.key,
    apiSecret: keys.secret,
    symbols: [
      {
        symbol: 'BTCUSDT',
        base: 'BTC',
        quote: 'USDT',
        lastPrice: 60_000,
        stepSize: 0.0001,
        minQty: 0.0001,
        tickSize: 0.01,
        minNotional: 5,
      },
    ],
    balances: { USDT: 10_000 },
    keys: [
      { apiKey: keys.withdrawKey, apiSecret: keys.withdrawSecret, restrictions: { enableWithdrawals: true } },
    ],
  });
}
