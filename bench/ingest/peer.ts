/**
 * @module The peer: the same simulated trades, already encoded as `market.trade` envelopes,
 * published with the raw `@nats-io/jetstream` client (pipelined `js.publish()`, the fastest raw
 * path measured in bench:eventlog) to a local nats-server. It does no validation, no candles and
 * no latest store: it is the cost of only getting the trades into a log, the floor our whole
 * path is compared against.
 */
import type { AppendRecord } from '@tickline/eventlog';
import { createEventSource, encodeEvent, uuidv7 } from '@tickline/kernel';
import { MarketTrade, resolveTapeConfig, tradeTape } from '@tickline/market';
import { rawJetStreamPublish } from '../eventlog/nats.ts';
import type { RecordSource } from '../eventlog/records.ts';
import { MARKETS } from './pipeline.ts';

/** `total` trade records, encoded before the clock starts. */
export function tradeRecords(total: number): RecordSource {
  const config = resolveTapeConfig({ seed: 7, symbols: MARKETS }, Date.now());
  const events = createEventSource({ source: 'collector/simulator' });
  const records: AppendRecord[] = [];
  let bytes = 0;
  for (const trade of tradeTape(config)) {
    const event = events.create(MarketTrade, { subject: trade.symbol, data: trade });
    const payload = encodeEvent(event);
    bytes += payload.length;
    records.push({ id: uuidv7(), key: trade.symbol, type: event.type, payload });
    if (records.length === total) break;
  }
  let next = 0;
  return {
    eventBytes: bytes / records.length,
    batch(count) {
      const out = records.slice(next, next + count);
      next += count;
      return out;
    },
  };
}

/** Trades/s of the raw client publishing `total` pre-encoded trades. */
export async function rawNatsTrades(
  url: string,
  total: number,
): Promise<{ tps: number; eventBytes: number }> {
  const records = tradeRecords(total);
  return { tps: await rawJetStreamPublish(url, records, total), eventBytes: records.eventBytes };
}
