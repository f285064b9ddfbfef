/**
 * @module A rules room's journal on the log: what a replay needs to step the room again exactly as
 * it ran. `game.room.opened` (game, version, seed, the time `init` saw) once, then
 * `game.room.ticks` about once a second: each tick's time, the inputs in arrival order (commands
 * as the bytes the client sent) and the session's full frames and dropped links between ticks.
 * Published fire-and-forget like every room event; keyed by room id (its partition on a
 * partitioned game log).
 */
import {
  createEventSource,
  defineEvent,
  type Clock,
  type EventDefinition,
  type EventSource,
} from '@tickline/kernel';
import type { Publisher } from '@tickline/eventlog';
import { z } from 'zod';
import type { RoomInput } from '../rules/index.ts';

/** Ticks a `game.room.ticks` record holds at most (a second at 30 Hz). */
export const JOURNAL_TICKS_PER_RECORD = 30;
/** Inputs a record holds at most before it is published early. */
export const JOURNAL_INPUTS_PER_RECORD = 512;

export const RoomOpened = defineEvent({
  type: 'game.room.opened',
  description: 'A rules room was made: its game, version and seed, for replay (`game.room.ticks` follow).',
  schema: z.object({
    roomId: z.string(),
    game: z.string(),
    gameVersion: z.number().int(),
    seed: z.number().int(),
    nowMs: z.number(),
    tickRateHz: z.number(),
  }),
});

/**
 * One journal entry, in the order it happened, applied before the step of `tick`:
 * `join`/`leave`/`command`/`mute` are inputs the room took; `view` is a full frame the session sent
 * the player (its welcome or resume: a spatial game's view of it starts again), `drop` its link
 * closing (frames stop until its next `view`). `x` carries a command's bytes (base64), a leave's
 * reason or a mute's end.
 */
const JournalEntry = z.tuple([
  z.number().int(),
  z.enum(['join', 'leave', 'command', 'mute', 'view', 'drop']),
  z.string(),
  z.number().int(),
  z.union([z.string(), z.number()]).optional(),
]);
export type JournalEntry = z.infer<typeof JournalEntry>;

export const RoomTicks = defineEvent({
  type: 'game.room.ticks',
  description: "A rules room's ticks for replay: each tick's time and the inputs and views between ticks.",
  schema: z.object({
    roomId: z.string(),
    /** The first tick of `times`. */
    fromTick: z.number().int(),
    /** Each tick's time (ms since the epoch), from `fromTick` on. */
    times: z.array(z.number()),
    entries: z.array(JournalEntry),
    /**
     * Steps over several ticks (the loop ran late): [first tick, ticks]. Their entries are keyed by
     * the first tick, every tick of them has the step's time; absent: one step a tick.
     */
    folds: z.array(z.tuple([z.number().int(), z.number().int().min(2)])).optional(),
  }),
});

export interface RoomJournalOptions {
  roomId: string;
  events: Pick<Publisher, 'publish'>;
  clock: Clock;
  /** The first tick this journal records (a recovered room's next). @default 1 */
  fromTick?: number;
}

/** Records one room; the runner calls it on each input, view and step. */
export class RoomJournal {
  readonly #roomId: string;
  readonly #events: Pick<Publisher, 'publish'>;
  readonly #source: EventSource;
  #fromTick = 1;
  #times: number[] = [];
  #entries: JournalEntry[] = [];
  #folds: [number, number][] = [];

  constructor(options: RoomJournalOptions) {
    this.#roomId = options.roomId;
    this.#events = options.events;
    this.#fromTick = options.fromTick ?? 1;
    this.#source = createEventSource({ source: `room-journal/${options.roomId}`, clock: options.clock });
  }

  opened(data: z.infer<typeof RoomOpened.schema>): void {
    this.#publish(RoomOpened, data);
  }

  /** An input the room will apply at `tick` (the next step). */
  input(tick: number, input: RoomInput, raw?: Uint8Array): void {
    const x =
      input.kind === 'command'
        ? raw === undefined
          ? ''
          : // A view of the bytes, not a copy: they are encoded at once.
            Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')
        : input.kind === 'leave'
          ? input.reason
          : input.kind === 'mute'
            ? input.untilMs
            : undefined;
    this.#entry(
      x === undefined
        ? [tick, input.kind, input.playerId, input.seq]
        : [tick, input.kind, input.playerId, input.seq, x],
    );
  }

  /** The session sent `playerId` a full frame, or its link closed, before the step of `tick`. */
  link(tick: number, kind: 'view' | 'drop', playerId: string): void {
    this.#entry([tick, kind, playerId, 0]);
  }

  /** The step that ended at `tick`, over `ticks` ticks, ran with `nowMs`. */
  stepped(tick: number, nowMs: number, ticks = 1): void {
    const first = tick - ticks + 1;
    if (this.#times.length === 0) this.#fromTick = first;
    if (ticks > 1) this.#folds.push([first, ticks]);
    for (let i = 0; i < ticks; i++) this.#times.push(nowMs);
    if (this.#times.length >= JOURNAL_TICKS_PER_RECORD) this.flush();
  }

  /** Publishes what is recorded (the runner's stop, a replay asked on the owner). */
  flush(): void {
    if (this.#times.length === 0 && this.#entries.length === 0) return;
    const data = {
      roomId: this.#roomId,
      fromTick: this.#fromTick,
      times: this.#times,
      entries: this.#entries,
      ...(this.#folds.length > 0 && { folds: this.#folds }),
    };
    this.#fromTick += this.#times.length;
    this.#times = [];
    this.#entries = [];
    this.#folds = [];
    this.#publish(RoomTicks, data);
  }

  #entry(entry: JournalEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length >= JOURNAL_INPUTS_PER_RECORD) this.flush();
  }

  #publish<T>(definition: EventDefinition<T>, data: T): void {
    this.#events.publish(
      this.#source.create(definition, { subject: this.#roomId, partitionkey: this.#roomId, data }),
    );
  }
}
