/**
 * @module The consumer runner: a service that reads a durable consumer batch by batch, hands
 * decoded events to a handler, and acknowledges only after the batch was handled or
 * dead-lettered. Delivery is at-least-once; the dedupe store turns it into once per event id.
 * Stopping lets the handler call in progress finish, skips further retries, leaves an unfinished
 * batch unacknowledged (it is redelivered next time) and closes the consumer.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import {
  ServiceStatus,
  type Logger,
  type Service,
  type ServiceContext,
  type ServiceHealth,
} from '@tickline/kernel';
import { EventLogError } from '../port/errors.ts';
import type { LogConsumer, Offset } from '../port/event-log.ts';
import { isTransientAppendError } from '../publisher/append-with-retry.ts';
import { createConsumerMetrics, type ConsumerMetrics } from './consumer-metrics.ts';
import {
  resolveConsumerRunnerOptions,
  type ConsumerRunnerOptions,
  type ResolvedConsumerRunnerOptions,
} from './consumer-options.ts';
import { describeError } from './dead-letter.ts';
import { giveWayToLateLoop, watchLoop } from './loop-yield.ts';
import { processBatch, type BatchDependencies, type ConsumerCounts } from './process-batch.ts';
import { ConsumerStoppedError } from './retry-until-stopped.ts';

/** Totals since start, plus the position. */
export interface ConsumerRunnerStats extends ConsumerCounts {
  /** Offset of the last acknowledged record (0 before any). */
  lastOffset: Offset;
  /** Records behind the head at the last refresh; undefined before the first. */
  lag: number | undefined;
}

/** A running consumer. */
export interface ConsumerRunner extends Service {
  stats(): ConsumerRunnerStats;
  /** Resolves the next time the runner finds nothing more to read (or once it is stopped). */
  idle(): Promise<void>;
}

/**
 * Creates a consumer runner; start it with the service host.
 * @example
 * const runner = createConsumerRunner({ log, name: 'projector', registry, deadLetters, handle: async (events) => { … } });
 */
export function createConsumerRunner(options: ConsumerRunnerOptions): ConsumerRunner {
  return new Runner(resolveConsumerRunnerOptions(options));
}

type State = 'created' | 'running' | 'stopping' | 'stopped';

class Runner implements ConsumerRunner {
  readonly name: string;
  readonly #options: ResolvedConsumerRunnerOptions;
  readonly #metrics: ConsumerMetrics;
  readonly #counts: ConsumerCounts = {
    processed: 0,
    failed: 0,
    deadLetters: 0,
    decodeErrors: 0,
    duplicates: 0,
    batches: 0,
  };
  readonly #abort = new AbortController();
  readonly #idleWaiters = new Set<{ after: number; resolve: () => void }>();
  #state: State = 'created';
  #consumer: LogConsumer | undefined;
  #loop: Promise<void> | undefined;
  #lagTimer: NodeJS.Timeout | undefined;
  /** Releases this runner's share of the loop probe (see loop-yield.ts). */
  #unwatchLoop: (() => void) | undefined;
  #lag: number | undefined;
  #lastOffset: Offset = 0;
  #turn = 0;
  #error: unknown;
  #stopping: Promise<void> | undefined;

  constructor(options: ResolvedConsumerRunnerOptions) {
    this.name = options.name;
    this.#options = options;
    this.#metrics = createConsumerMetrics(options.metrics, options.name);
  }

  stats(): ConsumerRunnerStats {
    return { ...this.#counts, lastOffset: this.#lastOffset, lag: this.#lag };
  }

  idle(): Promise<void> {
    if (this.#state === 'stopped') return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.add({ after: this.#turn, resolve }));
  }

  health(): ServiceHealth {
    const info = { lastOffset: this.#lastOffset, lag: this.#lag };
    if (this.#state === 'created') return { status: ServiceStatus.Starting, info };
    if (this.#state !== 'running')
      return { status: ServiceStatus[this.#state === 'stopping' ? 'Stopping' : 'Stopped'], info };
    if (this.#error !== undefined) {
      const detail = `consumer "${this.name}" is retrying after an error: ${describeError(this.#error, 'UNKNOWN').message}`;
      return { status: ServiceStatus.Degraded, detail, info };
    }
    return { status: ServiceStatus.Up, info };
  }

  async start(context: ServiceContext): Promise<void> {
    if (this.#state !== 'created') {
      throw new EventLogError('EVLOG_INVALID_ARGUMENT', `consumer runner "${this.name}" was already started`);
    }
    const options = this.#options;
    const logger = (options.logger ?? context.logger).child({ consumer: this.name });
    // Opened here so a start fails loudly (consumer busy, log closed) instead of in the loop.
    this.#consumer = await this.#open();
    this.#state = 'running';
    this.#unwatchLoop = watchLoop();
    this.#loop = this.#run(logger).catch((error: unknown) => context.fail(error));
    this.#lagTimer = setInterval(() => void this.#refreshLag(logger), options.lagIntervalMs).unref();
    void this.#refreshLag(logger);
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#state === 'running') this.#state = 'stopping';
    this.#abort.abort();
    clearInterval(this.#lagTimer);
    await this.#loop;
    this.#unwatchLoop?.();
    await this.#consumer?.close().catch(() => {});
    this.#consumer = undefined;
    this.#state = 'stopped';
    for (const waiter of this.#idleWaiters) waiter.resolve();
    this.#idleWaiters.clear();
  }

  #open(): Promise<LogConsumer> {
    const { start, shared, expireAfterMs } = this.#options;
    return this.#options.log.consumer(this.name, {
      start,
      shared,
      ...(expireAfterMs === undefined ? {} : { expireAfterMs }),
    });
  }

  async #run(logger: Logger): Promise<void> {
    const options = this.#options;
    const signal = this.#abort.signal;
    const deps = this.#dependencies(logger);
    let failures = 0;
    while (!signal.aborted) {
      try {
        this.#consumer ??= await this.#open();
        const turn = ++this.#turn;
        const records = await this.#consumer.fetch({
          max: options.batchSize,
          waitMs: options.waitMs,
          signal,
        });
        if (records.length === 0) {
          if (!signal.aborted) this.#caughtUp(turn);
          continue;
        }
        const stopTimer = this.#metrics.batchSeconds.startTimer();
        const types = options.types;
        const wanted =
          types === undefined
            ? records
            : records.filter(typeof types === 'function' ? (r) => types(r.type) : (r) => types.has(r.type));
        if (wanted.length > 0) await processBatch(wanted, deps);
        const last = records[records.length - 1]!.offset;
        await this.#consumer.ack(last);
        stopTimer();
        this.#lastOffset = last;
        this.#counts.batches++;
        this.#error = undefined;
        failures = 0;
        // A backlog handled a batch a turn would keep the loop's timers (a game's tick) waiting.
        await giveWayToLateLoop(signal);
      } catch (error) {
        if (signal.aborted || error instanceof ConsumerStoppedError) break;
        this.#error = error;
        logger.warn(
          { err: error },
          'consumer loop failed; reopening the consumer after a pause (unacked records are redelivered)',
        );
        await this.#consumer?.close().catch(() => {});
        this.#consumer = undefined;
        await sleep(this.#pauseMs(failures++), undefined, { signal }).catch(() => {});
      }
    }
  }

  #dependencies(logger: Logger): BatchDependencies {
    const options = this.#options;
    const backoff = () =>
      new ExponentialBackoff({
        initialDelay: options.retryInitialDelayMs,
        maxDelay: options.retryMaxDelayMs,
      });
    return {
      consumer: this.name,
      logName: options.log.name,
      logger,
      registry: options.registry,
      handle: options.handle,
      handlerPolicy: retry(handleWhen(options.shouldRetry), {
        maxAttempts: options.maxAttempts - 1,
        backoff: backoff(),
      }),
      deadLetterPolicy: retry(handleWhen(isTransientAppendError), { backoff: backoff() }),
      unavailablePauseMs: options.retryMaxDelayMs,
      deadLetters: options.deadLetters,
      dedupe: options.dedupe,
      metrics: this.#metrics,
      counts: this.#counts,
      signal: this.#abort.signal,
    };
  }

  /** Exponential with full jitter, capped by the handler retry's max delay. */
  #pauseMs(failures: number): number {
    const ceiling = Math.min(
      this.#options.retryMaxDelayMs,
      this.#options.retryInitialDelayMs * 2 ** failures,
    );
    return ceiling / 2 + (Math.random() * ceiling) / 2;
  }

  #caughtUp(turn: number): void {
    for (const waiter of this.#idleWaiters) {
      if (waiter.after >= turn) continue;
      this.#idleWaiters.delete(waiter);
      waiter.resolve();
    }
  }

  async #refreshLag(logger: Logger): Promise<void> {
    try {
      const info = (await this.#options.log.consumers()).find((c) => c.name === this.name);
      if (!info) return;
      this.#lag = info.lag;
      this.#metrics.lag.set(info.lag);
    } catch (error) {
      logger.debug({ err: error }, 'could not refresh consumer lag');
    }
  }
}
