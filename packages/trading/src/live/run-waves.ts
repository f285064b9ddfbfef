/** @module A wave of closed candles through the runs (ask, take answers in lanes, act or pause), apart from the runner's lifecycle. */
import { TicklineError } from '@tickline/kernel';
import type { LiveSessionStep, StepAnswer } from '@tickline/strategy';
import { AnswerTurns } from './answer-turns.ts';
import type { LiveMetrics } from './live-metrics.ts';
import { claimCandle, decidesNow, DEFAULT_KEEP_LOGS, keepLogs, type LiveRun } from './live-run.ts';
import type { FeedCandle, LiveRunnerOptions } from './live-runner-types.ts';
import { fillWave } from './market-prices.ts';
import type { RecentCandles } from './run-catch-up.ts';
import type { RunOrders } from './run-orders.ts';
import { candleFor, type RunHealth } from './run-health.ts';
import type { RunsByFeed } from './runs-by-feed.ts';
import { DEFAULT_WAVE_BOX_MS, WaveBox, type WaveBoxContext } from './wave-box.ts';
import { DEFAULT_GATHER_MS, WaveGather } from './wave-gather.ts';
import { WaveLanes } from './wave-lanes.ts';

/** What the waves need of the runner. */
export interface RunWavesContext {
  options: LiveRunnerOptions;
  metrics: LiveMetrics | undefined;
  /** The runs' orders at the desk. */
  orders: RunOrders;
  byFeed: RunsByFeed;
  recent: RecentCandles;
  /** What a wave's late runs need of the runner (wave-box.ts). */
  lateRuns: WaveBoxContext;
  /** Whether `run` is still the runner's run of its id. */
  current: (run: LiveRun) => boolean;
  /** Its process went away: the runner reopens it. */
  lost: (run: LiveRun) => void;
  pause: (run: LiveRun, error: unknown) => void;
  /** The data-health interlock (run-health.ts): sees each wave's candles before the runs do. */
  health?: RunHealth;
}

/** Waves of closed candles through the runs (see LiveRunner). */
export class RunWaves {
  readonly #c: RunWavesContext;
  readonly #o: LiveRunnerOptions;
  readonly #cpuMs: number;
  /** Turns of the event loop while answers are taken (see wave). */
  readonly #turns = new AnswerTurns();
  /** How long a wave waits for its answers (wave-box.ts). */
  readonly #waveBoxMs: number;
  /** How long a wave's orders wait for the rest of their source's answers (wave-gather.ts). */
  readonly #gatherMs: number;

  constructor(context: RunWavesContext) {
    this.#c = context;
    this.#o = context.options;
    this.#cpuMs = context.options.cpuMsPerCandle ?? Infinity;
    this.#waveBoxMs = context.options.waveBoxMs ?? DEFAULT_WAVE_BOX_MS;
    // Well inside the box: an order held to the box's end would leave its run behind.
    this.#gatherMs = Math.min(context.options.gatherMs ?? DEFAULT_GATHER_MS, this.#waveBoxMs / 4);
  }

  /**
   * Closed candles of distinct feeds: the paper venue fills resting orders with each bar and the
   * books are marked, then every run on those feeds is asked in one turn (the sandbox sends their
   * steps together, one message per process), then each run's answer is taken as it comes
   * (wave-lanes.ts: one portfolio's runs in order, portfolios side by side); the orders of the
   * runs one source answers go to the desk together (wave-gather.ts).
   *
   * The runs of a portfolio a fill touched wait until its fills are recorded (a run learns its own
   * fill from its event, before the candle after it); the others are asked at once.
   */
  async wave(candles: readonly FeedCandle[]): Promise<void> {
    // Before the venue fills with them: a run catching up reads them, or is released after this.
    for (const candle of candles) this.#c.recent.add(candle);
    // Judged before any run decides on them: the candle that shows a gap or a jump is the first
    // its runs see with `ctx.dataHealthy === false`.
    this.#c.health?.observe(candles);
    const { touched, recorded } = await fillWave(this.#o, candles);
    // Each run's answer is acted on in its lane; the box knows which are not yet (wave-box.ts).
    const box = new WaveBox();
    const gather = new WaveGather(this.#gatherMs);
    const lanes = new WaveLanes<Answer | undefined>((a) => {
      if (a === undefined) return undefined;
      const acting = this.#take(a.run, a.candle, a.error, a.step, (send) => gather.send(a.source, send));
      if (acting === undefined) box.acted(a.run, a.error);
      return acting?.finally(() => box.acted(a.run, a.error));
    });
    const ask = (run: LiveRun, f: number, candle: FeedCandle, taken: (a: Answer) => void): void => {
      box.asked(run);
      const source = run.session.answerSource;
      gather.asked(source);
      this.#ask(run, f, candle, (error, step) => {
        taken({ run, candle, error, step, source });
        gather.arrived(source);
      });
    };
    /** Runs of touched portfolios, asked once the fills are recorded. */
    const later: Array<[LiveRun, FeedCandle, (answer: Answer | undefined) => void]> = [];
    this.#turns.start();
    for (const candle of candles)
      for (const run of this.#c.byFeed.of(candle)) {
        if (!decidesNow(run, this.#o.owns)) continue;
        if (!touched.has(run.spec.portfolioId)) {
          const f = claimCandle(run, candle);
          if (f === undefined) continue;
          ask(run, f, candle, lanes.ask(run.spec.portfolioId));
          continue;
        }
        // Its place in the portfolio's lane now (answers are taken in the order asked), the
        // question once the fills are recorded — unless it stopped meanwhile, or they failed
        // (the candle is not claimed: a redelivery asks it).
        later.push([run, candle, lanes.ask(run.spec.portfolioId)]);
      }
    if (recorded === undefined) return box.wait(lanes.done(), this.#waveBoxMs, this.#c.lateRuns);
    const failed = await recorded.then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    for (const [run, candle, taken] of later) {
      const f = failed === undefined && decidesNow(run, this.#o.owns) ? claimCandle(run, candle) : undefined;
      if (f === undefined) taken(undefined);
      else ask(run, f, candle, taken);
    }
    await box.wait(lanes.done(), this.#waveBoxMs, this.#c.lateRuns);
    if (failed !== undefined) throw failed.error;
  }

  async step(run: LiveRun, candle: FeedCandle): Promise<void> {
    const f = claimCandle(run, candle);
    if (f === undefined) return;
    const answer = await new Promise<Answer>((resolve) =>
      this.#ask(run, f, candle, (error, step) => resolve({ run, candle, error, step, source: undefined })),
    );
    await this.#take(run, candle, answer.error, answer.step, sendNow);
  }

  /** Shows the candle to the run; `answer` gets the step or the error, later, once. */
  #ask(run: LiveRun, f: number, candle: FeedCandle, answer: StepAnswer): void {
    const session = run.session;
    candle = candleFor(run, candle);
    if (session.ask !== undefined) return session.ask(f, candle, answer);
    // Sessions that answer with promises (on this thread): the event loop gets a turn every few
    // milliseconds of answers, as a wave of thousands of runs would otherwise hold it.
    session.advance(f, candle).then(
      async (step) => {
        await this.#turns.breathe();
        answer(undefined, step);
      },
      (error: unknown) => answer(error, undefined),
    );
  }

  /**
   * Takes a step's answer: books it, places and cancels its orders, or pauses the run. Undefined
   * when that is done at once (a step that placed nothing), else the promise of its orders, which
   * `send` starts (at once, or with the wave's others of its source: wave-gather.ts).
   */
  #take(
    run: LiveRun,
    candle: FeedCandle,
    error: unknown,
    step: LiveSessionStep | undefined,
    send: (act: () => Promise<void>) => Promise<void>,
  ): Promise<void> | undefined {
    if (!this.#c.current(run)) return undefined;
    if (step === undefined) {
      // Its process went away: the run reopens from its last decided candle (see LiveRunner #recover).
      if (error instanceof TicklineError && error.code === 'SANDBOX_PROCESS_LOST') this.#c.lost(run);
      else this.#c.pause(run, error);
      return undefined;
    }
    const used = step.cpuMs;
    this.#c.metrics?.evaluation.observe(used / 1_000);
    run.status.cpuMs += used;
    run.equity = step.equity;
    keepLogs(run, step.logs, this.#o.keepLogs ?? DEFAULT_KEEP_LOGS);
    run.status.candles++;
    run.decided = Math.max(run.decided ?? -Infinity, candle.closeTime);
    if (used > this.#cpuMs && this.#o.open === undefined) {
      this.#c.pause(
        run,
        new TicklineError(
          'STRATEGY_CPU_LIMIT',
          `onCandle used ${used.toFixed(1)} ms (limit ${this.#cpuMs} ms per candle)`,
        ),
      );
      return undefined;
    }
    if (step.placed.length === 0 && step.cancelled.length === 0) {
      settled(run, candle);
      this.#o.observe?.(run.spec.id, candle);
      return undefined;
    }
    // Held with its process's others (wave-gather.ts), it may go after the run stopped here: as
    // above, a run no longer the runner's places nothing.
    const act = (): Promise<void> =>
      this.#c.current(run) ? this.#c.orders.act(run, step, candle) : Promise.resolve();
    return send(act).then(() => {
      settled(run, candle);
      this.#o.observe?.(run.spec.id, candle);
    });
  }
}

/** `candle`'s decision is complete: answered, its orders handed to the desk. */
function settled(run: LiveRun, candle: FeedCandle): void {
  const { status } = run;
  if (candle.closeTime < (status.settledCandleTime ?? -Infinity)) return;
  status.settledCandleTime = candle.closeTime;
  run.settledCounts = { candles: status.candles, signals: status.signals };
}

/** Sends an answer's orders at once (a run catching up decides alone). */
const sendNow = (act: () => Promise<void>): Promise<void> => act();

/** A step's answer as a wave's lanes hold it. */
interface Answer {
  run: LiveRun;
  candle: FeedCandle;
  error: unknown;
  step: LiveSessionStep | undefined;
  /** What answered it (LiveSession.answerSource), when it answers with others. */
  source: object | undefined;
}
