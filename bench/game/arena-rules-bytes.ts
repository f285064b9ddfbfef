/**
 * @module Bytes a rules room of the arena sends a client, counted without sockets or load (so the
 * figure does not move with the machine's load, as the bench's KB/s do): one room of
 * BENCH_ZONE_SIZE players (100) at the bench's rules (arena-rules-server.ts: 20 Hz, a view spanning
 * the world, every player spawned at the arena's spawn), each sending an honest move 10 times a
 * second, for BENCH_TICKS ticks (400). Prints the RoomFrame messages' bytes per client per second
 * with the arena's positions stepped (as shipped), with the same game's positions unstepped
 * (every coordinate a 64-bit float, as before the steps), and the shipped frames with each
 * entity's fields keyed by name instead of their index in the field table (frame v2, as before the
 * indexes). Messages as the session layer sends them (room-frame-messages.ts).
 * `node bench/game/arena-rules-bytes.ts`
 */
import { RulesRoom, type AnyGameRules, type Fields } from '@tickline/game';
import { ManualClock } from '@tickline/kernel';
import { FLOAT32_OPTIONS, Packr } from 'msgpackr';
import { decodeRoomFrame, encodeMessage, readFieldValues, type FieldTable, type RoomFrameMessage } from '@tickline/protocol';
import { roomFrameMessages } from '@tickline/game/internal';
import { benchArena } from './arena-rules-game.ts';
import { RULES, seededRandom, Walker } from './rules.ts';

const players = Number(process.env.BENCH_ZONE_SIZE ?? 100);
const ticks = Number(process.env.BENCH_TICKS ?? 400);

const arena = (): AnyGameRules => benchArena(players);

/** The same game with its float fields' steps taken off: what the arena sent before them. */
function unstepped(game: AnyGameRules): AnyGameRules {
  const entity = Object.fromEntries(
    Object.entries(game.state.entity as Fields).map(([name, f]) => [name, f.kind === 'float' ? { ...f, step: undefined } : f]),
  );
  return { ...game, state: { ...game.state, entity } };
}

// The rooms' own encoding of a frame whose floats are all stepped (room-visibility.ts).
const float32Packr = new Packr({ useRecords: false, moreTypes: false, useFloat32: FLOAT32_OPTIONS.ALWAYS });

/**
 * A message's bytes had its frame keyed fields by name (v2: `r: { name: value }`, `e: [handle,
 * { name: value }, …]`, no table). The game's table is the same in every stream: `fields`.
 */
function byNameBytes(message: RoomFrameMessage, fields: FieldTable): number {
  if (message.frame.length === 0) return encodeMessage(message).length;
  const { f: _table, r, e, ...rest } = decodeRoomFrame(message.frame);
  const v2: Record<string, unknown> = { ...rest, v: 2 };
  if (r) v2.r = readFieldValues(fields.r, r);
  if (e) v2.e = e.map((v, i) => (i % 2 === 0 ? v : readFieldValues(fields.e, v)));
  return encodeMessage({ ...message, frame: float32Packr.pack(v2) }).length;
}

function bytesPerClientSecond(game: AnyGameRules): { perClientS: number; byNamePerClientS: number; rejected: number } {
  const clock = new ManualClock(1_000_000);
  const room = new RulesRoom({ game, roomId: 'bytes', clock, tickRateHz: RULES.tickRateHz });
  const ids = Array.from({ length: players }, (_, i) => `arena-${i}`);
  for (const id of ids) room.enqueue({ kind: 'join', playerId: id, seq: 0 });
  const joined = room.step();
  // The join step (not counted) announced the field table.
  const first = [...(joined.viewFrames?.values() ?? [joined.frame])].find((f) => f !== undefined)!;
  const fields = decodeRoomFrame(first).f!;
  const random = seededRandom(7);
  const walkers = ids.map((id) => {
    const at = room.state.entities.get(id) as { x: number; y: number };
    return { walker: new Walker(random, at.x, at.y), seq: 0, lastMoveTick: room.tick };
  });
  let bytes = 0;
  let byName = 0;
  let rejected = 0;
  for (let t = 0; t < ticks; t++) {
    clock.advance(RULES.tickMs);
    // Half the players move each tick: 10 moves a second each at 20 Hz.
    walkers.forEach((w, i) => {
      if ((i + t) % 2 !== 0) return;
      const to = w.walker.step(room.tick - w.lastMoveTick);
      w.walker.x = to.x;
      w.walker.y = to.y;
      w.lastMoveTick = room.tick;
      room.enqueue({ kind: 'command', playerId: ids[i]!, seq: ++w.seq, command: { type: 'move', tick: room.tick, ...to } });
    });
    const result = room.step();
    rejected += result.rejections.length;
    const acked = new Map(result.acks.map((a) => [a.playerId, a.seq]));
    for (const id of ids) {
      const frame = result.viewFrames?.get(id) ?? result.frame;
      for (const message of roomFrameMessages(result.tick, acked.get(id) ?? -1, frame)) {
        bytes += encodeMessage(message).length;
        byName += byNameBytes(message, fields);
      }
    }
  }
  const perClientS = (total: number) => Math.round(total / players / ((ticks * RULES.tickMs) / 1000));
  return { perClientS: perClientS(bytes), byNamePerClientS: perClientS(byName), rejected };
}

const stepped = bytesPerClientSecond(arena());
const before = bytesPerClientSecond(unstepped(arena()));
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
console.log(
  `players ${players}, ${ticks} ticks: B/s per client stepped ${stepped.perClientS}, unstepped ${before.perClientS} (${ratio(stepped.perClientS, before.perClientS)}); ` +
    `fields by index ${stepped.perClientS}, by name ${stepped.byNamePerClientS} (${ratio(stepped.perClientS, stepped.byNamePerClientS)}); rejected ${stepped.rejected} / ${before.rejected}`,
);
console.log(
  `RESULT ${JSON.stringify({ stepped_bytes_per_client_s: stepped.perClientS, unstepped_bytes_per_client_s: before.perClientS, by_name_bytes_per_client_s: stepped.byNamePerClientS })}`,
);
