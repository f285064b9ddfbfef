import { describe, expect, it } from 'vitest';
import { toCanonicalSymbol } from '../../normalize/symbols.ts';
import type { DecodeContext } from '../network/dialect.ts';
import { decodeKisFrame } from './decode.ts';
import { kisRequest } from './requests.ts';

const context: DecodeContext = { receivedAt: 1, canonical: (s) => toCanonicalSymbol('kis', s) };

function record(overrides: Record<number, string>): string {
  const f = Array.from({ length: 46 }, () => '0');
  Object.assign(
    f,
    { 0: '005930', 1: '090001', 2: '55300', 12: '7', 13: '107', 21: '1', 33: '20261120' },
    overrides,
  );
  return f.join('^');
}

describe('kis decode', () => {
  it('a data frame of two records is two trades; time is KST on the business date', () => {
    const frame = `0|H0STCNT0|002|${record({})}^${record({ 1: '153000', 2: '55400', 13: '110', 21: '5' })}`;
    expect(decodeKisFrame(frame, context)).toEqual([
      {
        type: 'trade',
        trade: {
          exchange: 'kis',
          symbol: '005930.KS',
          tradeId: '20261120-107',
          price: 55_300,
          size: 7,
          side: 'buy',
          exchangeTime: Date.UTC(2026, 10, 20, 0, 0, 1),
          receivedAt: 1,
        },
      },
      expect.objectContaining({
        trade: expect.objectContaining({
          side: 'sell',
          price: 55_400,
          exchangeTime: Date.UTC(2026, 10, 20, 6, 30),
        }),
      }),
    ]);
  });

  it('control messages: PINGPONG is a heartbeat, rt_cd 0 an ack, anything else a venue error', () => {
    expect(decodeKisFrame(JSON.stringify({ header: { tr_id: 'PINGPONG' } }), context)).toEqual([
      { type: 'heartbeat' },
    ]);
    const answer = (rtCd: string, msg1: string) =>
      JSON.stringify({
        header: { tr_id: 'H0STCNT0', tr_key: '005930' },
        body: { rt_cd: rtCd, msg_cd: 'OPSP0000', msg1 },
      });
    expect(decodeKisFrame(answer('0', 'SUBSCRIBE SUCCESS'), context)).toEqual([
      { type: 'ack', detail: 'SUBSCRIBE SUCCESS' },
    ]);
    expect(decodeKisFrame(answer('1', 'MAX SUBSCRIBE OVER'), context)).toEqual([
      { type: 'venue_error', message: 'OPSP0000: MAX SUBSCRIBE OVER' },
    ]);
  });

  it('malformed frames throw; encrypted and other transactions are ignored', () => {
    expect(() => decodeKisFrame('0|H0STCNT0|002|005930^1', context)).toThrow(/fields for 002 records/);
    expect(() => decodeKisFrame('garbage', context)).toThrow(/not a KIS data frame/);
    expect(() => decodeKisFrame(`0|H0STCNT0|001|${record({ 33: '' })}`, context)).toThrow(/date or time/);
    expect(() => decodeKisFrame(`0|H0STCNT0|001|${record({ 0: 'ABC' })}`, context)).toThrow(/symbol/);
    expect(decodeKisFrame('1|H0STCNI0|001|cipher', context)).toEqual([{ type: 'ignored' }]);
  });

  it('requests carry the approval key and the bare code; release is tr_type 2', () => {
    const session = { approvalKey: 'a-key', custType: 'P' as const };
    expect(JSON.parse(kisRequest(session, '2', '005930.KS'))).toEqual({
      header: { approval_key: 'a-key', custtype: 'P', tr_type: '2', 'content-type': 'utf-8' },
      body: { input: { tr_id: 'H0STCNT0', tr_key: '005930' } },
    });
  });
});
