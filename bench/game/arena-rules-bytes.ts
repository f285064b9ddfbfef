/**
 * @module Bytes a rules room of the arena sends a client, counted without sockets or load (so the
 * figure does not move with the machine's load, as the bench's KB/s do): one room of
 * BENCH_ZONE_SIZE players (100) at the bench's rules (arena-rules-server.ts: 20 Hz, a view spanning
 * the world, every player spawned at the arena's spawn), each sending an honest move 10 times a
 * second, for BENCH_TICKS ticks (400). Prints the RoomFrame messages' bytes per client per second
 * with the arena's positions stepped (as shipped) and with the same game's positions unstepped
 * (every coordinate a 64-bit float, as before). Messages as the session layer sends them
 * (room-frame-messages.ts). `node bench/game/arena-rules-bytes.ts`
 */
import { RulesRoom, type AnyGameRules, type Fields } from '@tickline/game';
import { ManualClock } from '@tickline/kernel';
import { encodeMessage } from '@tickline/protocol';
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

function bytesPerClientSecond(game: AnyGameRules): { perClientS: number; rejected: number } {
  const clock = new ManualClock(1_000_000);
  const room = new RulesRoom({ game, roomId: 'bytes', clock, tickRateHz: RULES.tickRateHz });
  const ids = Array.from({ length: players }, (_, i) => `arena-${i}`);
  for (const id of ids) room.enqueue({ kind: 'join', playerId: id, seq: 0 });
  room.step();
  const random = seededRandom(7);
  const walkers = ids.map((id) => {
    const at = room.state.entities.get(id) as { x: number; y: number };
    return { walker: new Walker(random, at.x, at.y), seq: 0, lastMoveTick: room.tick };
  });
  let bytes = 0;
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
      for (const message of roomFrameMessages(result.tick, acked.get(id) ?? -1, frame))
        bytes += encodeMessage(message).length;
    }
  }
  return { perClientS: Math.round(bytes / players / ((ticks * RULES.tickMs) / 1000)), rejected };
}

const stepped = bytesPerClientSecond(arena());
const before = bytesPerClientSecond(unstepped(arena()));
console.log(`players ${players}, ${ticks} ticks: B/s per client stepped ${stepped.perClientS}, unstepped ${before.perClientS} (${(stepped.perClientS / before.perClientS).toFixed(2)}×); rejected ${stepped.rejected} / ${before.rejected}`);
console.log(`RESULT ${JSON.stringify({ stepped_bytes_per_client_s: stepped.perClientS, unstepped_bytes_per_client_s: before.perClientS })}`);
