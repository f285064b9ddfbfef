import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './codec.ts';
import { GAME_PROTOCOL_VERSION, MessageType, type RoomCommandMessage } from './messages.ts';
import { readFlatCommand, readMoveInto, readRoomCommand, type MoveFields } from './inbound-fast-paths.ts';

const raw = new Packr({ useRecords: false });
const out = (): MoveFields => ({ seq: -1, tick: -1, x: NaN, y: NaN });

/** What the strict decoder makes of `bytes`, as move fields, or undefined when it refuses them. */
function strict(bytes: Uint8Array): MoveFields | undefined {
  try {
    const m = decodeMessage(bytes);
    return m.type === MessageType.Move ? { seq: m.seq, tick: m.tick, x: m.x, y: m.y } : undefined;
  } catch {
    return undefined;
  }
}

describe('move fast path', () => {
  it('move fast path - reads every encoded move exactly as the strict decoder does', () => {
    let state = 17;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const values = [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1];
    for (let i = 0; i < 2_000; i++) {
      const seq = i < values.length ? values[i]! : Math.floor(random() * 2 ** 32);
      const tick = i % 7 === 0 ? -Math.floor(random() * 40_000) : Math.floor(random() * 2 ** 40);
      const pick = () => (i % 3 === 0 ? Math.floor(random() * 1000) : (random() - 0.5) * 1e6);
      const bytes = encodeMessage({ type: MessageType.Move, seq, tick, x: pick(), y: pick() });
      const fields = out();
      expect(readMoveInto(bytes, fields)).toBe(true);
      expect(fields).toEqual(strict(bytes));
    }
  });

  it('move fast path - float32 and small negative encodings agree with the strict decoder', () => {
    const f32 = new Packr({ useRecords: false, useFloat32: 1 });
    for (const wire of [
      [GAME_PROTOCOL_VERSION, MessageType.Move, 5, -3, 1.5, -2.25],
      [GAME_PROTOCOL_VERSION, MessageType.Move, 5, -200, 0.1, 1e30],
      [GAME_PROTOCOL_VERSION, MessageType.Move, 5, -40_000, 3, 4],
    ]) {
      for (const packr of [raw, f32]) {
        const bytes = packr.pack(wire);
        const fields = out();
        expect(readMoveInto(bytes, fields)).toBe(true);
        expect(fields).toEqual(strict(bytes));
      }
    }
  });

  it('move fast path - leaves everything else to the strict decoder', () => {
    const refused = [
      encodeMessage({ type: MessageType.Ping, nonce: 1 }),
      encodeMessage({ type: MessageType.Leave, seq: 2 }),
      raw.pack([1, MessageType.Move, 1, 2, 3, 4]), // another version
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, -1, 2, 3, 4]), // negative seq
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 2 ** 32, 2, 3, 4]), // seq past uint32
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1.5, 2, 3, 4]), // fractional seq
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2.5, 3, 4]), // fractional tick
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, NaN, 4]),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, 3, Infinity]),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, 3, 'x']),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, 3]),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, 3, 4, 5]),
      Uint8Array.from([...raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, 3, 4]), 0]),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, 3, 4]).subarray(0, 6),
      Uint8Array.from([0x96, GAME_PROTOCOL_VERSION, MessageType.Move, 0xcb, 0, 0, 0]),
      new Uint8Array(0),
    ];
    for (const bytes of refused) {
      const fields = out();
      const fast = readMoveInto(bytes, fields);
      // Refused, or (for the encodings the fast path reads) exactly what the strict decoder reads.
      if (fast) expect(fields).toEqual(strict(bytes));
      else expect(fast).toBe(false);
    }
    expect(readMoveInto(raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, NaN, 4]), out())).toBe(
      false,
    );
    expect(readMoveInto(encodeMessage({ type: MessageType.Ping, nonce: 1 }), out())).toBe(false);
  });
});

/** What the strict decoder makes of `bytes` when it is a room command, or undefined. */
function strictCommand(bytes: Uint8Array): RoomCommandMessage | undefined {
  try {
    const m = decodeMessage(bytes);
    return m.type === MessageType.RoomCommand ? m : undefined;
  } catch {
    return undefined;
  }
}

describe('room command fast path', () => {
  it('room command fast path - reads every encoded command exactly as the strict decoder does', () => {
    for (const seq of [0, 1, 127, 128, 65_536, 2 ** 32 - 1]) {
      for (const size of [0, 1, 30, 255, 256, 4_000]) {
        const command = Uint8Array.from({ length: size }, (_, i) => (i * 31 + seq) & 0xff);
        const bytes = encodeMessage({ type: MessageType.RoomCommand, seq, command });
        const fast = readRoomCommand(bytes);
        expect(fast).toBeDefined();
        expect({ ...fast, command: Uint8Array.from(fast!.command) }).toEqual(strictCommand(bytes));
      }
    }
  });

  it('room command fast path - leaves everything else to the strict decoder', () => {
    const good = encodeMessage({ type: MessageType.RoomCommand, seq: 3, command: Uint8Array.of(1, 2, 3) });
    const refused = [
      encodeMessage({ type: MessageType.Leave, seq: 2 }),
      raw.pack([1, MessageType.RoomCommand, 1, Uint8Array.of(1)]), // another version
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.RoomCommand, -1, Uint8Array.of(1)]),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.RoomCommand, 1.5, Uint8Array.of(1)]),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.RoomCommand, 1, 'text']),
      raw.pack([GAME_PROTOCOL_VERSION, MessageType.RoomCommand, 1]),
      Uint8Array.from([...good, 0]),
      good.subarray(0, good.length - 1),
      Uint8Array.from([0x94, GAME_PROTOCOL_VERSION, MessageType.RoomCommand, 1, 0xc4]),
      Uint8Array.from([0x94, GAME_PROTOCOL_VERSION, MessageType.RoomCommand, 1, 0xc5, 0]),
      new Uint8Array(0),
    ];
    for (const bytes of refused) {
      const fast = readRoomCommand(bytes);
      if (fast) expect({ ...fast, command: Uint8Array.from(fast.command) }).toEqual(strictCommand(bytes));
      else expect(strictCommand(bytes)).toBeUndefined();
    }
  });
});

describe('flat command fast path', () => {
  const f32 = new Packr({ useRecords: false, useFloat32: 1 });
  const fixmap = new Packr({ useRecords: false, variableMapSize: true });

  it('flat command fast path - reads flat commands exactly as msgpackr unpacks them', () => {
    let state = 5;
    const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const scalars = [
      0,
      -1,
      -32,
      -33,
      127,
      128,
      255,
      256,
      -129,
      65_535,
      65_536,
      -32_769,
      2 ** 32 - 1,
      -(2 ** 31),
    ];
    const pick = (i: number): unknown => {
      switch (i % 7) {
        case 0:
          return scalars[i % scalars.length];
        case 1:
          return (random() - 0.5) * 1e6;
        case 2:
          return random() < 0.5;
        case 3:
          return null;
        case 4:
          return 'x'.repeat(i % 40);
        case 5:
          return 2 ** 40 + i; // a float 64
        default:
          return Math.floor(random() * 1000);
      }
    };
    for (let i = 0; i < 3_000; i++) {
      const command: Record<string, unknown> = { type: ['move', 'fire', 'say'][i % 3] };
      for (let k = 0; k < i % 15; k++) command[`k${k}${'y'.repeat(k * 3)}`] = pick(i + k);
      for (const packr of [raw, f32, fixmap]) {
        const bytes = packr.pack(command);
        const fast = readFlatCommand(bytes);
        const unpacked: unknown = raw.unpack(bytes);
        if (fast !== undefined) expect(fast).toStrictEqual(unpacked);
        // Only the long keys and strings (past 32 bytes) are left to msgpackr.
        else
          expect(
            Object.entries(command)
              .flat()
              .some((v) => typeof v === 'string' && v.length > 32),
          ).toBe(true);
      }
    }
  });

  it('flat command fast path - leaves nested values, odd keys and bad bytes to msgpackr', () => {
    const cases = [
      raw.pack({ type: 'move', at: { x: 1 } }),
      raw.pack({ type: 'move', path: [1, 2] }),
      raw.pack({ type: 'é' }),
      raw.pack(new Map([[1, 'one']])),
      raw.pack(JSON.parse('{"type":"x","__proto__":1}')),
      raw.pack({ type: 'move', big: 2n ** 63n }),
      raw.pack([1, 2]),
      raw.pack('move'),
      Uint8Array.from([...raw.pack({ type: 'move' }), 0]),
      raw.pack({ type: 'move', x: 1.5 }).subarray(0, 8),
      Uint8Array.of(0x81),
      Uint8Array.of(0x81, 0xa1),
      new Uint8Array(0),
    ];
    for (const bytes of cases) expect(readFlatCommand(bytes)).toBeUndefined();
    expect(readFlatCommand(raw.pack({}))).toStrictEqual({});
  });
});
