import { describe, expect, it } from 'vitest';
import { RejectReason } from './errors.ts';
import { move, stepWith, zoneWithPlayer } from './zone-fixture.ts';

describe('zone validation - server authority over moves', () => {
  it('valid path - a walk around the wall is accepted step by step and acked with the last seq', () => {
    // Given a player at (2.5, 5.5), below the wall
    const zone = zoneWithPlayer(2.5, 5.5);
    // When it walks right along row 5, one unit per tick
    const path = [3.5, 4.5, 5.5];
    const results = path.map((x, i) => stepWith(zone, move('p', i + 2, zone.tick + 1, x, 5.5)));
    // Then every move is accepted and the last ack carries the last seq and position
    expect(results.flatMap((r) => r.rejections)).toEqual([]);
    expect(results.at(-1)!.acks).toEqual([{ playerId: 'p', slot: 0, seq: 4, x: 5.5, y: 5.5 }]);
    expect(results.at(-1)!.events.map((e) => e.type)).toEqual(['game.player.moved']);
    expect(zone.player('p')).toEqual({ x: 5.5, y: 5.5, lastSeq: 4 });
  });

  it('speed hack - a move longer than speed × ticks is rejected with the authoritative position', () => {
    const zone = zoneWithPlayer(0.5, 0.5);
    stepWith(zone, move('p', 2, 2, 1.5, 0.5));
    // 2 ticks later the budget is 2 units; 3 units is too fast
    const r = stepWith(zone, move('p', 3, 4, 4.5, 0.5));
    expect(r.rejections).toEqual([
      { playerId: 'p', slot: 0, seq: 3, reason: RejectReason.MoveTooFast, x: 1.5, y: 0.5 },
    ]);
    expect(r.events).toEqual([]);
    expect(zone.player('p')).toMatchObject({ x: 1.5, y: 0.5 });
  });

  it('speed hack - many moves stamped with the same tick cannot add up distance', () => {
    const zone = zoneWithPlayer(0.5, 0.5);
    const r = stepWith(zone, move('p', 2, 2, 1.5, 0.5), move('p', 3, 2, 2.5, 0.5));
    expect(r.rejections.map((x) => x.reason)).toEqual([RejectReason.MoveTooFast]);
    expect(zone.player('p')).toMatchObject({ x: 1.5 });
  });

  it('teleport - a jump far beyond any legal move is rejected as a teleport', () => {
    const zone = zoneWithPlayer(0.5, 0.5);
    const r = stepWith(zone, move('p', 2, 9, 8.5, 8.5));
    expect(r.rejections).toEqual([
      { playerId: 'p', slot: 0, seq: 2, reason: RejectReason.Teleport, x: 0.5, y: 0.5 },
    ]);
  });

  it('out of bounds - a target outside the world is rejected', () => {
    const zone = zoneWithPlayer(0.5, 0.5);
    const r = stepWith(zone, move('p', 2, 2, -0.5, 0.5), move('p', 3, 3, 0.5, 10));
    expect(r.rejections.map((x) => [x.reason, x.x, x.y])).toEqual([
      [RejectReason.OutOfBounds, 0.5, 0.5],
      [RejectReason.OutOfBounds, 0.5, 0.5],
    ]);
  });

  it('wall clipping - a move whose endpoint is free but whose segment crosses a wall is blocked', () => {
    const zone = zoneWithPlayer(2.5, 3.5);
    const r = stepWith(zone, move('p', 2, 3, 4.5, 3.5));
    expect(r.rejections).toEqual([
      { playerId: 'p', slot: 0, seq: 2, reason: RejectReason.Blocked, x: 2.5, y: 3.5 },
    ]);
  });

  it('wall clipping - a diagonal exactly through the corner of two blocked cells is blocked', () => {
    // (5,6) and (6,7) are blocked and touch at the corner (6,7); (5,7) and (6,6) are free
    const zone = zoneWithPlayer(5.5, 7.5);
    const r = stepWith(zone, move('p', 2, 3, 6.5, 6.5));
    expect(r.rejections.map((x) => x.reason)).toEqual([RejectReason.Blocked]);
  });

  it('wall clipping - a move ending inside a wall is blocked', () => {
    const zone = zoneWithPlayer(2.5, 2.5);
    const r = stepWith(zone, move('p', 2, 3, 3.5, 2.5));
    expect(r.rejections.map((x) => x.reason)).toEqual([RejectReason.Blocked]);
  });

  it('malformed - a move with a non-finite coordinate or fractional seq is rejected as malformed', () => {
    const zone = zoneWithPlayer(0.5, 0.5);
    const r = stepWith(zone, move('p', 2, 2, Number.NaN, 0.5), move('p', 2.5, 2, 0.6, 0.5));
    expect(r.rejections.map((x) => x.reason)).toEqual([RejectReason.Malformed, RejectReason.Malformed]);
  });

  it('sequence - a replayed or older seq, or a tick from the future, is refused', () => {
    const zone = zoneWithPlayer(0.5, 0.5);
    stepWith(zone, move('p', 5, 2, 1.0, 0.5));
    const r = stepWith(
      zone,
      move('p', 5, 3, 1.5, 0.5),
      move('p', 4, 3, 1.5, 0.5),
      move('p', 6, 99, 1.5, 0.5),
    );
    expect(r.rejections.map((x) => x.reason)).toEqual([
      RejectReason.StaleSeq,
      RejectReason.StaleSeq,
      RejectReason.StaleSeq,
    ]);
  });

  it('flood - commands beyond the per-window limit are rate limited', () => {
    // Given a limit of 15 per 20-tick window, when 20 zero-length moves come stamped with one tick
    const zone = zoneWithPlayer(0.5, 0.5);
    const r = stepWith(zone, ...Array.from({ length: 20 }, (_, i) => move('p', i + 2, 2, 0.5, 0.5)));
    // Then the first 15 apply (the ack names the last applied, seq 16) and the last 5 are refused
    expect(r.rejections.map((x) => x.reason)).toEqual(Array(5).fill(RejectReason.RateLimited));
    expect(r.acks.map((a) => a.seq)).toEqual([16]);
    expect(r.rejections.map((x) => x.seq)).toEqual([17, 18, 19, 20, 21]);
  });

  it('flood - a server stall that delivers many ticks of honest commands at once is not a flood', () => {
    // Given an honest client sending a move every 2 ticks for 2 s while the server is stalled
    const zone = zoneWithPlayer(0.5, 0.5);
    for (let i = 1; i <= 20; i++) zone.enqueue(move('p', i + 1, 1 + 2 * i, 0.5 + 0.05 * i, 0.5));
    // When the server resumes and applies all 20 in one step that jumps 40 ticks
    const r = zone.step(40);
    // Then none is rate limited: each is counted in the window it was sent in
    expect(r.rejections).toEqual([]);
    expect(r.acks.map((a) => a.seq)).toEqual([21]);
    expect(zone.player('p')!.x).toBeCloseTo(1.5);
  });

  it('membership - joining twice, moving before joining, and joining into a wall are refused', () => {
    const zone = zoneWithPlayer(0.5, 0.5);
    const r = stepWith(zone, { kind: 'join', playerId: 'p', seq: 9 }, move('ghost', 1, 2, 0.5, 0.5), {
      kind: 'join',
      playerId: 'q',
      seq: 1,
      x: 3.5,
      y: 3.5,
    });
    expect(r.rejections.map((x) => [x.playerId, x.reason])).toEqual([
      ['p', RejectReason.AlreadyJoined],
      ['ghost', RejectReason.NotJoined],
      ['q', RejectReason.Blocked],
    ]);
  });

  it('membership - a full zone refuses the next join; a leave frees the slot and emits left', () => {
    const zone = zoneWithPlayer(0.5, 0.5, { maxPlayers: 1 });
    expect(stepWith(zone, { kind: 'join', playerId: 'q', seq: 1 }).rejections[0]!.reason).toBe(
      RejectReason.ZoneFull,
    );
    const left = stepWith(zone, { kind: 'leave', playerId: 'p', seq: 2 });
    expect(left.events.map((e) => [e.type, e.data])).toEqual([
      ['game.player.left', { zoneId: 'z1', playerId: 'p', x: 0.5, y: 0.5, tick: 3, reason: 'left' }],
    ]);
    expect(stepWith(zone, { kind: 'join', playerId: 'q', seq: 1 }).rejections).toEqual([]);
    expect(zone.size).toBe(1);
  });
});
