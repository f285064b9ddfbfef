import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { decodeRoomFrame, encodeRoomFrame, ROOM_FRAME_VERSION, RoomView, type RoomFrame } from './room-frame.ts';

const frame = (f: Omit<RoomFrame, 'v'>): RoomFrame => ({ v: ROOM_FRAME_VERSION, ...f });

describe('room frame - entities by handle', () => {
  it('a view maps handles back to ids: announce, update, gone, a handle given again, a reset', () => {
    const view = new RoomView();
    expect(view.apply(frame({ t: 1, reset: true, r: { round: 1 }, n: { ann: 0, bob: 1 }, e: [0, { x: 1 }, 1, { x: 2 }] }))).toEqual({
      r: { round: 1 },
      e: { ann: { x: 1 }, bob: { x: 2 } },
    });
    expect(view.apply(frame({ t: 2, e: [1, { x: 3 }] }))).toEqual({ e: { bob: { x: 3 } } });
    // Bob goes and Cy comes in one frame, under the handle Bob gave back.
    expect(view.apply(frame({ t: 3, n: { cy: 1 }, e: [1, { x: 9 }], x: [1] }))).toEqual({ e: { cy: { x: 9 } }, x: ['bob'] });
    expect(Object.fromEntries(view.entities)).toEqual({ ann: { x: 1 }, cy: { x: 9 } });
    // A reset (a resume, a failover) forgets every handle: the new stream announces its own.
    view.apply(frame({ t: 4, reset: true, r: {}, n: { cy: 0 }, e: [0, { x: 5 }] }));
    expect(Object.fromEntries(view.entities)).toEqual({ cy: { x: 5 } });
    expect(() => view.apply(frame({ t: 5, e: [1, { x: 1 }] }))).toThrow(RangeError);
  });

  it('a frame naming a handle never announced (or just taken back) is refused and changes nothing', () => {
    const view = new RoomView();
    view.apply(frame({ t: 1, reset: true, n: { ann: 0 }, e: [0, { x: 1 }] }));
    expect(() => view.apply(frame({ t: 2, r: { round: 2 }, e: [0, { x: 2 }, 7, { x: 3 }] }))).toThrow(/handle 7/);
    expect(() => view.apply(frame({ t: 2, e: [0, { x: 2 }], x: [0] }))).toThrow(/handle 0/);
    expect(view.tick).toBe(1);
    expect(view.room).toEqual({});
    expect(Object.fromEntries(view.entities)).toEqual({ ann: { x: 1 } });
  });

  it('a frame of version 1 (entities by id) is refused with the version', () => {
    const v1 = new Packr({ useRecords: false }).pack({ v: 1, t: 3, e: { ann: { x: 1 } } });
    expect(() => decodeRoomFrame(v1)).toThrow(/version 1; this reader reads version 2/);
    const f = frame({ t: 3, n: { ann: 0 }, e: [0, { x: 1 }], x: [4] });
    expect(decodeRoomFrame(encodeRoomFrame(f))).toEqual(f);
  });
});
