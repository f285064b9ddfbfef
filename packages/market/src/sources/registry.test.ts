import { isConfigInvalidError } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { CsvReplaySource } from './csv/source.ts';
import { WebSocketSource } from './network/websocket-source.ts';
import { createSource, parseSourceConfig, sourceSubscription } from './registry.ts';
import { SimulatorSource } from './simulator/source.ts';

describe('source registry', () => {
  it('registry - builds every kind from its config', () => {
    expect(createSource({ kind: 'simulator' })).toBeInstanceOf(SimulatorSource);
    expect(createSource({ kind: 'csv', files: ['x.csv'] })).toBeInstanceOf(CsvReplaySource);
    for (const kind of ['binance', 'upbit', 'coinbase'] as const) {
      const source = createSource(parseSourceConfig({ kind, symbols: ['BTC-USDT'], name: `${kind}-main` }));
      expect(source).toBeInstanceOf(WebSocketSource);
      expect(source.exchange).toBe(kind);
      expect(source.name).toBe(`${kind}-main`);
    }
  });

  it('registry - subscription defaults: simulator markets, trades only', () => {
    expect(sourceSubscription(parseSourceConfig({ kind: 'simulator' }))).toEqual({
      symbols: ['BTC-USDT', 'ETH-USDT'],
      kinds: ['trade'],
    });
    const binance = parseSourceConfig({ kind: 'binance', symbols: ['ETH-USDT'], kinds: ['trade', 'candle'] });
    expect(sourceSubscription(binance)).toEqual({ symbols: ['ETH-USDT'], kinds: ['trade', 'candle'] });
  });

  it('registry - `type` is read as `kind`', () => {
    expect(parseSourceConfig({ type: 'upbit', symbols: ['BTC-KRW'] }).kind).toBe('upbit');
  });

  it('registry - invalid configs fail naming the field', () => {
    const attempts: unknown[] = [
      { kind: 'binance', symbols: [] },
      { kind: 'binance', symbols: ['btcusdt'] },
      { kind: 'kraken', symbols: ['BTC-USD'] },
      { kind: 'coinbase', symbols: ['BTC-USD'], silenceMs: -1 },
      { kind: 'upbit', symbols: ['BTC-KRW'], bogus: true },
    ];
    for (const input of attempts) {
      expect(() => parseSourceConfig(input)).toThrow();
      try {
        parseSourceConfig(input);
      } catch (error) {
        expect(isConfigInvalidError(error)).toBe(true);
      }
    }
    expect(() => parseSourceConfig({ kind: 'coinbase', symbols: ['BTC-USD'], silenceMs: -1 })).toThrow(
      /silenceMs/,
    );
  });

  it('registry - coinbase speaks Advanced Trade unless `feed: exchange`', () => {
    const advanced = parseSourceConfig({ kind: 'coinbase', symbols: ['BTC-USD'] });
    const exchange = parseSourceConfig({ kind: 'coinbase', symbols: ['BTC-USD'], feed: 'exchange' });
    expect(createSource(advanced).health().info).toMatchObject({ circuit: 'closed' });
    expect(exchange).toMatchObject({ feed: 'exchange' });
    expect(() => parseSourceConfig({ kind: 'coinbase', symbols: ['BTC-USD'], feed: 'pro' })).toThrow(/feed/);
  });

  it('registry - alpaca takes US share symbols and the account keys', () => {
    const config = { kind: 'alpaca', symbols: ['AAPL.US'], keyId: 'k', secretKey: 's', feed: 'sip' };
    const source = createSource(parseSourceConfig(config));
    expect(source).toBeInstanceOf(WebSocketSource);
    expect(source.exchange).toBe('alpaca');
    expect(() => parseSourceConfig({ ...config, symbols: ['005930.KS'] })).toThrow(/symbols\.0.*TICKER\.US/);
    expect(() => parseSourceConfig({ ...config, symbols: ['BTC-USD'] })).toThrow(/symbols/);
    expect(() => parseSourceConfig({ ...config, secretKey: undefined })).toThrow(/secretKey/);
  });

  it('registry - kis takes KRX share symbols and the app key and secret', () => {
    const config = { kind: 'kis', symbols: ['005930.KS'], appKey: 'k', appSecret: 's' };
    expect(createSource(parseSourceConfig(config)).exchange).toBe('kis');
    expect(() => parseSourceConfig({ ...config, symbols: ['AAPL.US'] })).toThrow(/symbols/);
    expect(() => parseSourceConfig({ ...config, appSecret: '' })).toThrow(/appSecret/);
  });
});
