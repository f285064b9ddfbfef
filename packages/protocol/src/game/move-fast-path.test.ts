import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './codec.ts';
import { GAME_PROTOCOL_VERSION, MessageType } from './messages.ts';
import { readMoveInto, type MoveFields } from './move-fast-path.ts';

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
    const random = () => ((state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
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
    expect(readMoveInto(raw.pack([GAME_PROTOCOL_VERSION, MessageType.Move, 1, 2, NaN, 4]), out())).toBe(false);
    expect(readMoveInto(encodeMessage({ type: MessageType.Ping, nonce: 1 }), out())).toBe(false);
  });
});
