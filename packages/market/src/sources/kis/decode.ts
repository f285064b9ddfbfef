/**
 * @module KIS real-time frames → normalized events. Control messages are JSON — the subscribe
 * answers `{"header":{tr_id,tr_key},"body":{"rt_cd":"0"|"1","msg_cd","msg1"}}` and the server's
 * `{"header":{"tr_id":"PINGPONG"}}` — while data frames are text `0|H0STCNT0|003|f0^f1^…`:
 * encryption flag, transaction id, record count, then the records' fields joined by `^`, 46 per
 * H0STCNT0 record. Fields read: 0 short code, 1 trade time HHMMSS (KST), 2 price, 12 trade
 * volume, 13 cumulative volume (rises with each trade: with the date it is the trade id), 21 trade
 * side (1 buy, 5 sell), 33 business date YYYYMMDD.
 */
import { parseDecimal } from '../../normalize/parse-number.ts';
import type { Trade } from '../../port/market-message.ts';
import type { DecodeContext, DecodedEvent } from '../network/dialect.ts';
import {
  MalformedFrameError,
  parseJsonFrame,
  requireObject,
  requireSymbol,
} from '../network/frame-fields.ts';
import { KIS_TRADE_FIELDS, KIS_TRADE_TR_ID } from './config.ts';

const EXCHANGE = 'kis';
const F = { code: 0, time: 1, price: 2, volume: 12, cumulativeVolume: 13, side: 21, date: 33 } as const;
/** Korea keeps UTC+9 all year. */
const KST_OFFSET_MS = 9 * 3_600_000;

/** Decodes one KIS stream frame. */
export function decodeKisFrame(text: string, context: DecodeContext): DecodedEvent[] {
  if (text.startsWith('{')) return [decodeControl(text)];
  const parts = text.split('|');
  if (parts.length !== 4) throw new MalformedFrameError(`not a KIS data frame: ${text.slice(0, 40)}`);
  const [encrypted, trId, count, data] = parts as [string, string, string, string];
  // Encrypted frames carry order notices (H0STCNI0), which this source does not subscribe to.
  if (encrypted !== '0' || trId !== KIS_TRADE_TR_ID) return [{ type: 'ignored' }];
  const records = Number(count);
  const fields = data.split('^');
  if (!Number.isInteger(records) || records < 1 || fields.length !== records * KIS_TRADE_FIELDS)
    throw new MalformedFrameError(`${trId}: ${fields.length} fields for ${count} records`);
  const out: DecodedEvent[] = [];
  for (let r = 0; r < records; r++) {
    out.push({ type: 'trade', trade: decodeTrade(fields.slice(r * KIS_TRADE_FIELDS), context) });
  }
  return out;
}

function decodeControl(text: string): DecodedEvent {
  const msg = requireObject(parseJsonFrame(text), 'frame');
  const header = requireObject(msg.header, 'header');
  if (header.tr_id === 'PINGPONG') return { type: 'heartbeat' };
  const body = requireObject(msg.body, 'body');
  if (body.rt_cd === '0') return { type: 'ack', detail: String(body.msg1) };
  return { type: 'venue_error', message: `${String(body.msg_cd)}: ${String(body.msg1)}` };
}

function decodeTrade(f: readonly string[], context: DecodeContext): Trade {
  const date = f[F.date]!;
  const time = f[F.time]!;
  if (!/^\d{8}$/.test(date) || !/^\d{6}$/.test(time))
    throw new MalformedFrameError('trade date or time missing');
  const exchangeTime =
    Date.UTC(
      Number(date.slice(0, 4)),
      Number(date.slice(4, 6)) - 1,
      Number(date.slice(6, 8)),
      Number(time.slice(0, 2)),
      Number(time.slice(2, 4)),
      Number(time.slice(4, 6)),
    ) - KST_OFFSET_MS;
  const side = f[F.side];
  return {
    exchange: EXCHANGE,
    symbol: requireSymbol(f[F.code], context.canonical),
    tradeId: `${date}-${f[F.cumulativeVolume]}`,
    price: parseDecimal(f[F.price]),
    size: parseDecimal(f[F.volume]),
    side: side === '1' ? 'buy' : side === '5' ? 'sell' : 'unknown',
    exchangeTime,
    receivedAt: context.receivedAt,
  };
}
