/**
 * Hostile frames against the strict decoder: each is refused with a coded error and the reason it
 * was refused, before the decoder allocates what the frame declares. The frames are written byte
 * by byte (hex), not produced by an encoder, so they can say what no encoder would.
 */
import { describe, expect, it } from 'vitest';
import { decodeMessage } from './codec.ts';
import type { DecodeFailure, GameProtocolErrorCode } from './errors.ts';
import { MessageType } from './messages.ts';

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replaceAll(' ', ''), 'hex'));
const u8 = (n: number): string => n.toString(16).padStart(2, '0');

// A valid prefix of each layout: [2, Move, ...] has 6 elements (0x96), [2, Hello, token, resume]
// 4 (0x94), [2, Notice, level, text] 4, [2, Welcome, ...] 15 (0x9f).
const MOVE = `96 02 ${u8(MessageType.Move)}`;
const HELLO = `94 02 ${u8(MessageType.Hello)}`;
const NOTICE = `94 02 ${u8(MessageType.Notice)}`;
const WELCOME_UP_TO_RESUMED = `9f 02 ${u8(MessageType.Welcome)} a1 70 a1 7a a1 73 05 14 01 02 03 04 03`;
// A tick frame's header (marker, version, type, flags 0, tick 7) and one with the ack flag.
const TICK = `c1 02 ${u8(MessageType.Tick)} 00 07000000`;
const TICK_ACK = `c1 02 ${u8(MessageType.Tick)} 01 07000000`;
const NO_ENTRIES = '0000';

interface Row {
  name: string;
  frame: string;
  code: GameProtocolErrorCode;
  reason: DecodeFailure;
}

const ROWS: Row[] = [
  // Declared sizes far beyond the frame or the limits.
  {
    name: 'str32 declaring 4 GiB',
    frame: `${HELLO} db ffffffff`,
    code: 'GAME_PROTOCOL_TOO_LARGE',
    reason: 'string-too-long',
  },
  {
    name: 'str16 declaring 64 KiB',
    frame: `${HELLO} da ffff 61`,
    code: 'GAME_PROTOCOL_TOO_LARGE',
    reason: 'string-too-long',
  },
  {
    name: 'str8 declaring more than the frame holds',
    frame: `${HELLO} d9 20 6162 c0`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'tick frame: 65535 left handles in a small frame',
    frame: `${TICK} ffff 0100`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'tick frame: 65535 entered players in a small frame',
    frame: `${TICK} ${NO_ENTRIES} ffff 0100 0200 0300 0100 70`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'tick frame: an entered id declaring 64 KiB',
    frame: `${TICK} ${NO_ENTRIES} 0100 0100 0200 0300 ffff 70 ${NO_ENTRIES}`,
    code: 'GAME_PROTOCOL_TOO_LARGE',
    reason: 'string-too-long',
  },
  {
    name: 'tick frame: 65535 moved players in a small frame',
    frame: `${TICK} ${NO_ENTRIES} ${NO_ENTRIES} ffff 0100 0200 0300`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'bin32 declaring 4 GiB as a token',
    frame: `${HELLO} c6 ffffffff`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'map32 declaring 4 G pairs as a token',
    frame: `${HELLO} df ffffffff`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'array32 header for the message itself',
    frame: `dd ffffffff 02 02`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'a Move array of 15 elements',
    frame: `9f 02 02 ${'00 '.repeat(13)}`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'field-count',
  },
  // Unexpected nesting and containers.
  {
    name: 'a map instead of the message array',
    frame: `81 a4 74797065 02`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'a nested array as seq',
    frame: `${MOVE} 91 91 91 01 01 00 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'deep nesting as the token',
    frame: `${HELLO} ${'91 '.repeat(1000)} a0 c0`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'tick frame: unknown flag bits',
    frame: `c1 02 ${u8(MessageType.Tick)} 04 07000000 ${NO_ENTRIES} ${NO_ENTRIES} ${NO_ENTRIES}`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  {
    name: 'tick frame: the ack flag without the ack',
    frame: `${TICK_ACK} ${NO_ENTRIES}`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'tick frame: invalid UTF-8 in an entered id',
    frame: `${TICK} ${NO_ENTRIES} 0100 0100 0200 0300 0200 c328 ${NO_ENTRIES}`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-utf8',
  },
  {
    name: 'tick frame: version 1',
    frame: `c1 01 ${u8(MessageType.Tick)} 00 07000000 ${NO_ENTRIES} ${NO_ENTRIES} ${NO_ENTRIES}`,
    code: 'GAME_PROTOCOL_VERSION',
    reason: 'invalid-value',
  },
  {
    name: 'tick frame: an unknown binary type',
    frame: `c1 02 2a 00 07000000 ${NO_ENTRIES} ${NO_ENTRIES} ${NO_ENTRIES}`,
    code: 'GAME_PROTOCOL_UNKNOWN_TYPE',
    reason: 'invalid-value',
  },
  {
    name: 'tick frame: a byte after the moved section',
    frame: `${TICK} ${NO_ENTRIES} ${NO_ENTRIES} ${NO_ENTRIES} 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'trailing-bytes',
  },
  {
    name: 'tick frame: cut inside the header',
    frame: `c1 02 ${u8(MessageType.Tick)} 00 0700`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'a seq beyond uint32',
    frame: `${MOVE} cf 0000000100000000 01 00 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  {
    name: 'a negative seq on leave',
    frame: `93 02 ${u8(MessageType.Leave)} ff`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  // Extension types, wherever they appear.
  {
    name: 'fixext1 as the message',
    frame: `d4 01 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'extension-type',
  },
  {
    name: 'ext32 declaring 4 GiB as a token',
    frame: `${HELLO} c9 ffffffff 01`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'extension-type',
  },
  {
    name: 'timestamp extension (-1) as tick',
    frame: `${MOVE} 01 d6 ff 00000000 00 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'extension-type',
  },
  {
    name: 'msgpackr record extension as x',
    frame: `${MOVE} 01 01 d4 72 00 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'extension-type',
  },
  // Wrong types and values.
  {
    name: 'a string as seq',
    frame: `${MOVE} a1 78 01 00 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'a fractional seq',
    frame: `${MOVE} cb 3ff8000000000000 01 00 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  {
    name: 'NaN as x',
    frame: `${MOVE} 01 01 cb 7ff8000000000000 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  {
    name: 'infinity as y',
    frame: `${MOVE} 01 01 00 ca 7f800000`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  {
    name: 'uint64 beyond safe integers as tick',
    frame: `${MOVE} 01 cf ffffffffffffffff 00 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  {
    name: 'nil as a required token',
    frame: `${HELLO} c0 c0`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'an integer as resumed',
    frame: `${WELCOME_UP_TO_RESUMED} 01`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'an unknown notice level',
    frame: `${NOTICE} a5 6572726f72 a1 78`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-value',
  },
  {
    name: 'invalid UTF-8 in the token',
    frame: `${HELLO} a2 c328 c0`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'invalid-utf8',
  },
  { name: 'the tick marker alone', frame: `c1`, code: 'GAME_PROTOCOL_MALFORMED', reason: 'truncated' },
  {
    name: 'a string as version',
    frame: `92 a1 31 03`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'unexpected-type',
  },
  {
    name: 'a v1 client (version 1)',
    frame: `93 01 03 01`,
    code: 'GAME_PROTOCOL_VERSION',
    reason: 'invalid-value',
  },
  { name: 'version 3', frame: `93 03 03 01`, code: 'GAME_PROTOCOL_VERSION', reason: 'invalid-value' },
  {
    name: 'a retired v1 type (Ack)',
    frame: `96 02 41 07 79 00 00`,
    code: 'GAME_PROTOCOL_UNKNOWN_TYPE',
    reason: 'invalid-value',
  },
  { name: 'an unknown type', frame: `92 02 2a`, code: 'GAME_PROTOCOL_UNKNOWN_TYPE', reason: 'invalid-value' },
  {
    name: 'too few fields for the type',
    frame: `95 02 ${u8(MessageType.Move)} 01 01 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'field-count',
  },
  {
    name: 'too many fields for the type',
    frame: `94 02 ${u8(MessageType.Ping)} 01 01`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'field-count',
  },
  // Truncation and trailing bytes.
  { name: 'an empty frame', frame: ``, code: 'GAME_PROTOCOL_MALFORMED', reason: 'truncated' },
  {
    name: 'a frame cut inside a float',
    frame: `${MOVE} 01 01 cb 3ff8`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'a frame cut before the last field',
    frame: `${MOVE} 01 01 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'a frame cut inside a string',
    frame: `${HELLO} a5 6162`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'a frame cut inside a uint32',
    frame: `${MOVE} ce 0001`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'truncated',
  },
  {
    name: 'one trailing byte',
    frame: `93 02 ${u8(MessageType.Ping)} 01 00`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'trailing-bytes',
  },
  {
    name: 'a second message appended',
    frame: `93 02 ${u8(MessageType.Ping)} 01 93 02 ${u8(MessageType.Ping)} 01`,
    code: 'GAME_PROTOCOL_MALFORMED',
    reason: 'trailing-bytes',
  },
];

const failure = (fn: () => unknown): { code?: string; details?: { reason?: string } } => {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; details?: { reason?: string } };
  }
  throw new Error('the frame was accepted');
};

describe('protocol decoder - hostile frames', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('hostile frame - %s is refused', (_, row) => {
    const error = failure(() => decodeMessage(hex(row.frame)));
    expect({ code: error.code, reason: error.details?.reason }).toEqual({
      code: row.code,
      reason: row.reason,
    });
  });

  it('hostile frame - every prefix of a valid message is refused as truncated, never accepted', () => {
    const move = hex(`${MOVE} 07 7a cb 3ff8000000000000 01`);
    expect(decodeMessage(move)).toEqual({ type: MessageType.Move, seq: 7, tick: 122, x: 1.5, y: 1 });
    const tick = hex(
      `${TICK_ACK} 09000000 0a00 0b00 0100 0400 0100 0200 0300 0300 0200 7032 0100 0500 0600 0700`,
    );
    expect(decodeMessage(tick)).toEqual({
      type: MessageType.Tick,
      tick: 7,
      ack: { seq: 9, qx: 10, qy: 11 },
      reset: false,
      left: [4],
      entered: [[2, 'p2', 3, 3]],
      moved: [[5, 6, 7]],
    });
    for (const valid of [move, tick]) {
      for (let cut = 0; cut < valid.length; cut++) {
        const error = failure(() => decodeMessage(valid.subarray(0, cut)));
        expect(error.code, `cut at ${cut}`).toBe('GAME_PROTOCOL_MALFORMED');
      }
    }
  });

  it('hostile frame - a string of exactly the limit is accepted, one unit more is not', () => {
    const at = (length: number): Uint8Array => {
      const body = Buffer.from('x'.repeat(length));
      return Uint8Array.from(
        Buffer.concat([hex(`${HELLO} da`), hex(length.toString(16).padStart(4, '0')), body, hex('c0')]),
      );
    };
    expect(decodeMessage(at(4096))).toMatchObject({ token: 'x'.repeat(4096) });
    expect(failure(() => decodeMessage(at(4097))).details?.reason).toBe('invalid-value');
  });

  it('hostile frame - any integer or float encoding is read as a number', () => {
    // [2, Move, seq, tick, x, y] with seq as uint16, tick as int64, x as float32, y as negative fixint.
    expect(decodeMessage(hex(`${MOVE} cd 0100 d3 0000000000000005 ca 3fc00000 ff`))).toEqual({
      type: MessageType.Move,
      seq: 256,
      tick: 5,
      x: 1.5,
      y: -1,
    });
  });
});
