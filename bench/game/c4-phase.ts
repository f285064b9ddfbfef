/**
 * @module The turn-based row: Connect Four rooms of two on one server child pinned to its core,
 * Tickline's built-in game in rules rooms against Colyseus's `Room` of the same game. The driver
 * plays `movesPerRoomPerSecond` turns a second in every room, spread evenly: the player to move
 * drops a piece in a random open column, and both ask for a rematch once a round is won or drawn.
 * A room whose last turn is not in the state its players see yet is passed over (never a move out
 * of turn), so `delivered` says how much of the target rate the rooms took.
 *
 * Rooms per core: rooms × delivered share (at most 1) / server CPU share over the measured window
 * (`process.cpuUsage` of the child: ticks, patches, sockets, GC). A shortfall in the rate is
 * counted against the server, never for it.
 */
import { progress } from '../lib/report.ts';
import type { ServerKind } from './ipc.ts';
import { ask, sleep, spawnServer } from './phase.ts';
import { joinColyseusC4, joinTicklineC4, refusedJoins, type C4Player } from './c4-players.ts';
import { seededRandom } from './rules.ts';

const CONNECT_CONCURRENCY = 200;
const DRIVER_PERIOD_MS = 10;
const MAX_BACKLOG_MS = 100;
const COLUMNS = 7;
const ROWS = 6;

export interface C4PhaseOptions {
  kind: ServerKind;
  rooms: number;
  movesPerRoomPerSecond: number;
  warmupMs: number;
  windowMs: number;
  serverCore: number | undefined;
  secret: string;
}

export interface C4PhaseResult {
  kind: ServerKind;
  rooms: number;
  connectMs: number;
  serverCpuShare: number;
  /** Turns (drops and rematch pairs) the driver sent in the window, per the target. */
  deliveredRatio: number;
  /** Commands the server accepted / refused in the window (its own count). */
  accepted: number;
  rejected: number;
  bytesPerRoomPerSecond: number;
  roomsPerCore: number;
  loadgenCpuShare: number;
  /** Joins the server refused while connecting (each tried again). */
  refusedJoins: number;
}

/** The state key a turn was taken at: the next turn waits until the room shows a newer one. */
const keyOf = (v: { status: string; round: number; moves: number }) => `${v.round}:${v.moves}:${v.status}`;

/** Plays one turn of the room `players` sits in; false when its state has not moved on yet. */
function playTurn(players: readonly C4Player[], acted: Map<string, string>, random: () => number): boolean {
  const view = players[0]!.view();
  if (!view || view.status === 'waiting') return false;
  const key = keyOf(view);
  if (acted.get(players[0]!.roomId) === key) return false;
  acted.set(players[0]!.roomId, key);
  if (view.status !== 'playing') {
    for (const p of players) p.rematch();
    return true;
  }
  const mover = players.find((p) => p.seat() === view.turn);
  if (!mover) return false;
  const open = Array.from({ length: COLUMNS }, (_, c) => c).filter((c) => view.board[(ROWS - 1) * COLUMNS + c] === 0);
  mover.drop(open[Math.floor(random() * open.length)]!);
  return true;
}

export async function runC4Phase(o: C4PhaseOptions): Promise<C4PhaseResult> {
  const child = spawnServer(`c4-${o.kind}-server.ts`, [], o.serverCore);
  const players: C4Player[] = [];
  try {
    const ready = await ask(child, undefined, 'ready');
    const join =
      o.kind === 'tickline'
        ? () => joinTicklineC4(String(ready.extra.ws), o.secret)
        : () => joinColyseusC4(ready.port);
    const connectStart = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < o.rooms * 2) {
        next++;
        players.push(await join());
      }
    };
    await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
    const connectMs = performance.now() - connectStart;
    const byRoom = new Map<string, C4Player[]>();
    for (const p of players) byRoom.set(p.roomId, [...(byRoom.get(p.roomId) ?? []), p]);
    const rooms = [...byRoom.values()].filter((r) => r.length === 2);
    progress(`${o.kind}: connect four, ${rooms.length} rooms of two (connected in ${Math.round(connectMs)} ms)`);

    const random = seededRandom(42);
    const acted = new Map<string, string>();
    let sent = 0;
    let recording = false;
    const perMs = (rooms.length * o.movesPerRoomPerSecond) / 1000;
    let owed = 0;
    let cursor = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      owed += Math.min(now - last, MAX_BACKLOG_MS) * perMs;
      last = now;
      for (; owed >= 1; owed--) {
        if (playTurn(rooms[cursor]!, acted, random) && recording) sent++;
        cursor = (cursor + 1) % rooms.length;
      }
    }, DRIVER_PERIOD_MS);
    await sleep(o.warmupMs);
    await ask(child, { type: 'window-start' }, 'window-started');
    recording = true;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await sleep(o.windowMs);
    const window = await ask(child, { type: 'window-end' }, 'window');
    const elapsed = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(timer);
    const serverCpuShare = window.cpuUs / 1000 / window.elapsedMs;
    const deliveredRatio = sent / ((rooms.length * o.movesPerRoomPerSecond * elapsed) / 1000);
    return {
      kind: o.kind,
      rooms: rooms.length,
      connectMs,
      serverCpuShare,
      deliveredRatio,
      accepted: window.accepted,
      rejected: window.rejected,
      bytesPerRoomPerSecond: window.bytesOut / rooms.length / (window.elapsedMs / 1000),
      roomsPerCore: (rooms.length * Math.min(1, deliveredRatio)) / serverCpuShare,
      loadgenCpuShare: (cpu.user + cpu.system) / 1000 / elapsed,
      refusedJoins: refusedJoins[o.kind],
    };
  } finally {
    await Promise.all(players.map((p) => p.close()));
    child.send({ type: 'stop' });
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)]);
    child.kill('SIGKILL');
  }
}
