/**
 * @module The durable consumers of one embedded log: which are open (one holder per name),
 * where new ones start, and their positions and lag.
 */
import { EventLogError } from '../port/errors.ts';
import type { ConsumerInfo, ConsumerOptions, LogConsumer, Offset, StartPosition } from '../port/event-log.ts';
import { readCheckpoints, type CheckpointStore } from './checkpoint-store.ts';
import { EmbeddedConsumer, type ConsumerHost } from './embedded-consumer.ts';
import { firstOffset, type LogState } from './log-state.ts';
import { positionAtTime } from './log-reader.ts';

export class ConsumerRegistry implements ConsumerHost {
  readonly state: LogState;
  readonly checkpoints: CheckpointStore;
  readonly #isClosed: () => boolean;
  readonly #open = new Set<string>();

  constructor(state: LogState, checkpoints: CheckpointStore, isClosed: () => boolean) {
    this.state = state;
    this.checkpoints = checkpoints;
    this.#isClosed = isClosed;
  }

  get closed(): boolean {
    return this.#isClosed();
  }

  /** Opens `name`, creating it at `options.start` the first time (the position is written at once). */
  async open(name: string, options: ConsumerOptions): Promise<LogConsumer> {
    if (typeof name !== 'string' || name === '')
      throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'consumer name must be a non-empty string');
    if (this.#open.has(name))
      throw new EventLogError('EVLOG_CONSUMER_BUSY', `consumer "${name}" is already open`);
    this.#open.add(name);
    try {
      if (!this.checkpoints.positions.has(name))
        await this.checkpoints.setNow(name, await this.#resolveStart(options.start ?? { from: 'earliest' }));
    } catch (error) {
      this.#open.delete(name);
      throw error;
    }
    return new EmbeddedConsumer(name, this, this.checkpoints.positions.get(name)!);
  }

  release(name: string): void {
    this.#open.delete(name);
  }

  async list(): Promise<ConsumerInfo[]> {
    let positions = this.checkpoints.positions;
    if (this.state.options.readOnly) {
      // The writer's file is the truth; positions this read-only log moved itself win over it.
      positions = new Map([...(await readCheckpoints(this.state.options.dir)), ...positions]);
    }
    const last = this.state.lastCommitted;
    return [...positions].map(([name, acked]) => ({ name, acked, lag: Math.max(0, last - acked) }));
  }

  async reset(name: string, start: StartPosition): Promise<void> {
    if (this.state.options.readOnly)
      throw new EventLogError(
        'EVLOG_READ_ONLY',
        `event log "${this.state.options.name}" is open read-only; stop its writer to reset "${name}"`,
      );
    if (this.#open.has(name)) throw new EventLogError('EVLOG_CONSUMER_BUSY', `consumer "${name}" is open`);
    await this.checkpoints.setNow(name, await this.#resolveStart(start));
  }

  /** The acknowledged position a new consumer starts from (it receives the records after it). */
  async #resolveStart(start: StartPosition): Promise<Offset> {
    switch (start?.from) {
      case 'earliest':
        return Math.max(0, firstOffset(this.state) - 1);
      case 'latest':
        return this.state.lastCommitted;
      case 'offset':
        if (!Number.isSafeInteger(start.offset) || start.offset < 0) break;
        return Math.max(0, start.offset - 1);
      case 'time':
        if (!Number.isFinite(start.time)) break;
        return positionAtTime(this.state, start.time);
    }
    throw new EventLogError('EVLOG_INVALID_ARGUMENT', 'unknown start position', { details: { start } });
  }
}
