import { ManualClock } from '@tickline/kernel';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { Zone } from '../zone/zone.ts';
import { decodeMessage, encodeMessage } from './codec.ts';
import { deltaMessageFrom } from './delta.ts';
import { MessageType, type GameMessage } from './messages.ts';

const raw = new Packr({ useRecords: false });

const EVERY_MESSAGE: GameMessage[] = [
  { type: MessageType.Hello, token: 'jt_abc' },
  { type: MessageType.Hello, token: 'jt_abc', resumeSession: 's-1' },
  { type: MessageType.Move, seq: 7, tick: 120, x: 10.25, y: 3 },
  { type: MessageType.Ping, nonce: 99 },
  { type: MessageType.Leave, seq: 8 },
  {
    type: MessageType.Welcome,
    playerId: 'p1',
    zoneId: 'z1',
    sessionId: 's-1',
    tick: 5,
    tickRateHz: 20,
    x: 1,
    y: 2,
    width: 1000,
    height: 800,
    lastSeq: 3,
    resumed: false,
  },
  { type: MessageType.Ack, seq: 7, tick: 121, x: 10.25, y: 3 },
  { type: MessageType.Reject, seq: 9, tick: 122, reason: 'GAME_MOVE_TOO_FAST', x: 10.25, y: 3 },
  { type: MessageType.Delta, tick: 122, entered: [['p2', 1.5, 2.5]], moved: [['p3', 4, 5]], left: ['p4'] },
  { type: MessageType.Delta, tick: 123, entered: [], moved: [], left: [] },
  { type: MessageType.Notice, level: 'warn', text: 'zone restarting in 30 s' },
  { type: MessageType.Pong, nonce: 99, serverTime: 1_700_000_000_123 },
  { type: MessageType.Error, code: 'GAME_PROTOCOL_MALFORMED', message: 'bad' },
  { type: MessageType.Close, code: 'GAME_RATE_LIMITED', message: 'flood' },
  { type: MessageType.Heartbeat, nonce: 4, tick: 120, serverTime: 1_700_000_000_500 },
  { type: MessageType.HeartbeatAck, nonce: 4 },
];

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('protocol codec - encode and decode', () => {
  it.each(EVERY_MESSAGE.map((m) => [m.type, m] as const))(
    'round trip - type %i survives encode/decode',
    (_, message) => {
      expect(decodeMessage(encodeMessage(message))).toEqual(message);
    },
  );

  it('malformed - bytes that are not MessagePack, not an array, or have wrong field types are rejected', () => {
    expect(codeOf(() => decodeMessage(Uint8Array.of(0xc1)))).toBe('GAME_PROTOCOL_MALFORMED');
    expect(codeOf(() => decodeMessage(raw.pack({ type: 2 })))).toBe('GAME_PROTOCOL_MALFORMED');
    expect(codeOf(() => decodeMessage(raw.pack([1, MessageType.Move, 'x', 1, 2, 3])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
    expect(codeOf(() => decodeMessage(raw.pack([1, MessageType.Move, 1, 1, 2])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
    expect(codeOf(() => decodeMessage(raw.pack([1, MessageType.Move, 1.5, 1, 2, 3])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
    expect(codeOf(() => decodeMessage(raw.pack([1, MessageType.Delta, 1, [['p', 1]], [], []])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
  });

  it('malformed - encoding a message with an invalid field is refused', () => {
    expect(
      codeOf(() => encodeMessage({ type: MessageType.Move, seq: 1, tick: 1, x: Number.NaN, y: 0 })),
    ).toBe('GAME_PROTOCOL_MALFORMED');
  });

  it('unknown type and version - are rejected with their own codes', () => {
    expect(codeOf(() => decodeMessage(raw.pack([1, 42])))).toBe('GAME_PROTOCOL_UNKNOWN_TYPE');
    expect(codeOf(() => decodeMessage(raw.pack([2, MessageType.Ping, 1])))).toBe('GAME_PROTOCOL_VERSION');
  });

  it('oversized - a message above the limit is rejected before parsing', () => {
    const big = encodeMessage({ type: MessageType.Hello, token: 'x'.repeat(4000) });
    expect(codeOf(() => decodeMessage(big, { maxBytes: 1024 }))).toBe('GAME_PROTOCOL_TOO_LARGE');
    expect(decodeMessage(big)).toMatchObject({ type: MessageType.Hello });
  });
});

describe('protocol delta - from the zone', () => {
  it('delta - a viewer delta becomes a message that survives the codec', () => {
    const zone = new Zone({ zoneId: 'z', clock: new ManualClock(0), viewRadius: 10 });
    zone.enqueue({ kind: 'join', playerId: 'a', seq: 1, x: 50, y: 50 });
    zone.enqueue({ kind: 'join', playerId: 'b', seq: 1, x: 52, y: 50 });
    zone.step();
    const messages: GameMessage[] = [];
    zone.broadcast((_, delta) => messages.push(deltaMessageFrom(zone.tick, delta, zone.players)));
    expect(messages.map((m) => decodeMessage(encodeMessage(m)))).toEqual([
      { type: MessageType.Delta, tick: 1, entered: [['b', 52, 50]], moved: [], left: [] },
      { type: MessageType.Delta, tick: 1, entered: [['a', 50, 50]], moved: [], left: [] },
    ]);
  });
});
