import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import {
  decodeRoomFrame,
  encodeRoomFrame,
  fieldValues,
  readFieldValues,
  ROOM_FRAME_VERSION,
  RoomView,
  type FieldTable,
  type RoomFrame,
} from './room-frame.ts';

const frame = (f: Omit<RoomFrame, 'v'>): RoomFrame => ({ v: ROOM_FRAME_VERSION, ...f });
const f: FieldTable = { r: ['round'], e: ['x', 'y'] };

describe('room frame - entities by handle', () => {
  it('a view maps handles back to ids: announce, update, gone, a handle given again, a reset', () => {
    const view = new RoomView();
    expect(view.apply(frame({ t: 1, reset: true, f, r: [1, 1], n: { ann: 0, bob: 1 }, e: [0, [1, 1], 1, [1, 2]] }))).toEqual({
      r: { round: 1 },
      e: { ann: { x: 1 }, bob: { x: 2 } },
    });
    expect(view.apply(frame({ t: 2, e: [1, [1, 3]] }))).toEqual({ e: { bob: { x: 3 } } });
    // Bob goes and Cy comes in one frame, under the handle Bob gave back.
    expect(view.apply(frame({ t: 3, n: { cy: 1 }, e: [1, [1, 9]], x: [1] }))).toEqual({ e: { cy: { x: 9 } }, x: ['bob'] });
    expect(Object.fromEntries(view.entities)).toEqual({ ann: { x: 1 }, cy: { x: 9 } });
    // A reset (a resume, a failover) forgets every handle: the new stream announces its own.
    view.apply(frame({ t: 4, reset: true, f, n: { cy: 0 }, e: [0, [1, 5]] }));
    expect(Object.fromEntries(view.entities)).toEqual({ cy: { x: 5 } });
    expect(() => view.apply(frame({ t: 5, e: [1, [1, 1]] }))).toThrow(RangeError);
  });

  it('a frame naming a handle never announced (or just taken back) is refused and changes nothing', () => {
    const view = new RoomView();
    view.apply(frame({ t: 1, reset: true, f, n: { ann: 0 }, e: [0, [1, 1]] }));
    expect(() => view.apply(frame({ t: 2, r: [1, 2], e: [0, [1, 2], 7, [1, 3]] }))).toThrow(/handle 7/);
    expect(() => view.apply(frame({ t: 2, e: [0, [1, 2]], x: [0] }))).toThrow(/handle 0/);
    expect(view.tick).toBe(1);
    expect(view.room).toEqual({});
    expect(Object.fromEntries(view.entities)).toEqual({ ann: { x: 1 } });
  });

  it('a frame of version 2 (fields by name) is refused with the version', () => {
    const v2 = new Packr({ useRecords: false }).pack({ v: 2, t: 3, n: { ann: 0 }, e: [0, { x: 1 }] });
    expect(() => decodeRoomFrame(v2)).toThrow(/version 2; this reader reads version 3/);
    const g = frame({ t: 3, n: { ann: 0 }, e: [0, [1, 1]], x: [4] });
    expect(decodeRoomFrame(encodeRoomFrame(g)).e).toEqual(g.e);
  });
});

describe('room frame - fields by index in the reset frame\'s table', () => {
  const table: FieldTable = { r: ['round', 'phase'], e: ['x', 'y', 'score', 'name'] };

  it('the reset frame announces the table; later frames name fields by index and the view by name', () => {
    const view = new RoomView();
    view.apply(
      frame({ t: 1, reset: true, f: table, r: [3, 1, 'lobby'], n: { ann: 0 }, e: [0, fieldValues(table.e, { x: 1, y: 2, score: 0, name: 'Ann' })!] }),
    );
    expect(view.room).toEqual({ round: 1, phase: 'lobby' });
    // `y` and `name` changed: bits 1 and 3.
    expect(view.apply(frame({ t: 2, r: [2, 'play'], e: [0, [0b1010, 7, 'Annie']] }))).toEqual({
      r: { phase: 'play' },
      e: { ann: { y: 7, name: 'Annie' } },
    });
    expect(view.entities.get('ann')).toEqual({ x: 1, y: 7, score: 0, name: 'Annie' });
  });

  it('a moved entity\'s update is its handle, a mask and the values: 13 bytes with 32-bit positions (16 by name)', () => {
    const packr = new Packr({ useRecords: false, useFloat32: 1 });
    const update = [3, fieldValues(table.e, { x: 523.71875, y: 10.5 })!];
    expect(update[1]).toEqual([0b11, 523.71875, 10.5]);
    expect(packr.pack(update).length - 1).toBe(1 + 1 + 1 + 5 + 5); // less the array header: handle, [mask, x, y]
  });

  it('field values that do not fit the table, and fields before any table, are refused and change nothing', () => {
    expect(() => new RoomView().apply(frame({ t: 1, e: [0, [1, 1]], n: { ann: 0 } }))).toThrow(/before any field table/);
    expect(() => new RoomView().apply(frame({ t: 1, reset: true, n: {} }))).toThrow(/without its field table/);
    const view = new RoomView();
    view.apply(frame({ t: 1, reset: true, f: table, n: { ann: 0 }, e: [0, [1, 1]] }));
    for (const bad of [[16, 1], [3, 1], [1, 1, 2], 'x', [-1], [1.5, 1]])
      expect(() => view.apply(frame({ t: 2, e: [0, bad as unknown[]] }))).toThrow(RangeError);
    expect(() => view.apply(frame({ t: 2, r: [4, 1] }))).toThrow(RangeError);
    expect(view.tick).toBe(1);
    expect(view.entities.get('ann')).toEqual({ x: 1 });
    expect(readFieldValues(table.e, [0])).toEqual({});
  });
});
