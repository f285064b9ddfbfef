import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './codec.ts';
import { MessageType, type GameMessage } from './messages.ts';

const raw = new Packr({ useRecords: false });

const EVERY_MESSAGE: GameMessage[] = [
  { type: MessageType.Hello, token: 'jt_abc' },
  { type: MessageType.Hello, token: 'jt_abc', resumeSession: 's-1' },
  { type: MessageType.Move, seq: 7, tick: 120, x: 10.25, y: 3 },
  { type: MessageType.Ping, nonce: 99 },
  { type: MessageType.RoomJoin, token: 'jt_abc', game: 'connect-four' },
  { type: MessageType.RoomJoin, token: 'jt_abc', room: 'r-1', code: 'K7Q2' },
  { type: MessageType.RoomCommand, seq: 3, command: new Uint8Array([0x81, 0xa1, 0x74, 0xa1, 0x61]) },
  {
    type: MessageType.RoomWelcome,
    playerId: 'p1',
    roomId: 'r-1',
    game: 'connect-four',
    gameVersion: 1,
    sessionId: 's-1',
    tick: 4,
    tickRateHz: 20,
    lastSeq: 0,
    resumed: false,
  },
  { type: MessageType.RoomFrame, tick: 9, ack: -1, frame: new Uint8Array(300).fill(7) },
  { type: MessageType.RoomReject, seq: 2, tick: 9, reason: 'C4_NOT_YOUR_TURN', message: '' },
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
    handle: 4,
    positionStep: 0.015625,
  },
  { type: MessageType.Reject, seq: 9, tick: 122, reason: 'GAME_MOVE_TOO_FAST', x: 10.25, y: 3 },
  {
    type: MessageType.Tick,
    tick: 122,
    ack: { seq: 7, qx: 656, qy: 192 },
    reset: false,
    entered: [[2, 'p2', 96, 160]],
    moved: [[3, 256, 320]],
    left: [4],
  },
  { type: MessageType.Tick, tick: 123, ack: undefined, reset: true, entered: [], moved: [], left: [] },
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
    expect(codeOf(() => decodeMessage(raw.pack([2, MessageType.Move, 'x', 1, 2, 3])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
    expect(codeOf(() => decodeMessage(raw.pack([2, MessageType.Move, 1, 1, 2])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
    expect(codeOf(() => decodeMessage(raw.pack([2, MessageType.Move, 1.5, 1, 2, 3])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
  });

  it('malformed - a room command whose binary runs past the message, or is a string, is refused', () => {
    const good = encodeMessage({ type: MessageType.RoomCommand, seq: 1, command: new Uint8Array(10) });
    expect(codeOf(() => decodeMessage(good.subarray(0, good.length - 3)))).toBe('GAME_PROTOCOL_MALFORMED');
    expect(codeOf(() => decodeMessage(raw.pack([2, MessageType.RoomCommand, 1, 'drop'])))).toBe(
      'GAME_PROTOCOL_MALFORMED',
    );
  });

  it('malformed - encoding a message with an invalid field is refused', () => {
    expect(
      codeOf(() => encodeMessage({ type: MessageType.Move, seq: 1, tick: 1, x: Number.NaN, y: 0 })),
    ).toBe('GAME_PROTOCOL_MALFORMED');
    const tick = { type: MessageType.Tick, tick: 1, ack: undefined, reset: false, entered: [], left: [] };
    expect(codeOf(() => encodeMessage({ ...tick, moved: [[70_000, 1, 1]] }))).toBe('GAME_PROTOCOL_MALFORMED');
    expect(codeOf(() => encodeMessage({ ...tick, moved: [[1, -1, 1]] }))).toBe('GAME_PROTOCOL_MALFORMED');
  });

  it('unknown type and version - are rejected with their own codes', () => {
    expect(codeOf(() => decodeMessage(raw.pack([2, 42])))).toBe('GAME_PROTOCOL_UNKNOWN_TYPE');
    // A v1 client's hello: refused with the version code, which the server closes with.
    expect(codeOf(() => decodeMessage(raw.pack([1, MessageType.Hello, 'jt', null])))).toBe(
      'GAME_PROTOCOL_VERSION',
    );
  });

  it('oversized - a message above the limit is rejected before parsing', () => {
    const big = encodeMessage({ type: MessageType.Hello, token: 'x'.repeat(4000) });
    expect(codeOf(() => decodeMessage(big, { maxBytes: 1024 }))).toBe('GAME_PROTOCOL_TOO_LARGE');
    expect(decodeMessage(big)).toMatchObject({ type: MessageType.Hello });
  });
});

/**
 * Wire format v2, byte for byte: the game server, the SDK and recorded sessions depend on these
 * frames. Changing the format is a new protocol version, not an edit here.
 */
const WIRE_V2: Array<[hex: string, message: GameMessage]> = [
  ['940201a66a745f616263c0', { type: 1, token: 'jt_abc' }],
  ['940201a66a745f616263a3732d31', { type: 1, token: 'jt_abc', resumeSession: 's-1' }],
  ['9602020778cb402480000000000003', { type: 2, seq: 7, tick: 120, x: 10.25, y: 3 }],
  [
    '960202ce00011170cb41f2a05f20000000cbbff8000000000000d1fed4',
    { type: 2, seq: 70000, tick: 5000000000, x: -1.5, y: -300 },
  ],
  ['93020363', { type: 3, nonce: 99 }],
  ['93020408', { type: 4, seq: 8 }],
  ['93020504', { type: 5, nonce: 4 }],
  [
    '9f0240a27031a27a31a3732d310514cb3ff800000000000002cd03e8cd032003c304cb3f90000000000000',
    {
      type: 64,
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
      handle: 4,
      positionStep: 0.015625,
    },
  ],
  [
    '970242097ab247414d455f4d4f56455f544f4f5f46415354cb402480000000000003',
    { type: 66, seq: 9, tick: 122, reason: 'GAME_MOVE_TOO_FAST', x: 10.25, y: 3 },
  ],
  [
    '940244a47761726eb77a6f6e652072657374617274696e6720696e2033302073',
    { type: 68, level: 'warn', text: 'zone restarting in 30 s' },
  ],
  ['94024563cb4278bcfe5687b000', { type: 69, nonce: 99, serverTime: 1700000000123 }],
  [
    '940246b747414d455f50524f544f434f4c5f4d414c464f524d4544a3626164',
    { type: 70, code: 'GAME_PROTOCOL_MALFORMED', message: 'bad' },
  ],
  [
    '940247b147414d455f524154455f4c494d49544544a5666c6f6f64',
    { type: 71, code: 'GAME_RATE_LIMITED', message: 'flood' },
  ],
  ['9502480478cb4278bcfe569f4000', { type: 72, nonce: 4, tick: 120, serverTime: 1700000000500 }],
  [
    'c1024a017a000000070000009002c00001000400010002006000a000020070320100030000014001',
    {
      type: 74,
      tick: 122,
      ack: { seq: 7, qx: 656, qy: 192 },
      reset: false,
      left: [4],
      entered: [[2, 'p2', 96, 160]],
      moved: [[3, 256, 320]],
    },
  ],
  [
    'c1024a027c000000000000000100010004000500',
    { type: 74, tick: 124, ack: undefined, reset: true, left: [], entered: [], moved: [[1, 4, 5]] },
  ],
];

describe('protocol codec - wire format v2', () => {
  it.each(WIRE_V2.map(([hex, m]) => [m.type, hex, m] as const))(
    'wire v2 - type %i encodes to the recorded bytes and decodes back',
    (_, hex, message) => {
      expect(Buffer.from(encodeMessage(message)).toString('hex')).toBe(hex);
      expect(decodeMessage(Buffer.from(hex, 'hex'))).toEqual(message);
    },
  );
});
