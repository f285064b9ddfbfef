/**
 * @module Live runs inside a tenant's isolate (linked into the isolate script by isolate-entry.ts).
 * One isolate and one hardened context per tenant in a sandbox process; each of the tenant's runs
 * is its own module instance (so module-level state is per run, as in a backtest) with its own
 * {@link LiveEngine}, its own seeded `Math.random` and clock, addressed by a numeric handle.
 *
 * The host enters the isolate once per tenant per candle close (`stepMany`), not once per run:
 * entering one of a process's ~500 isolates costs ~25 µs even for an empty function (its heap,
 * code and feedback are cold in the CPU's caches; bench/live/floor.ts). So the same call also
 * books the fills and finished orders the host noted for the tenant's runs since its last call
 * (they once entered the isolate one call each: ~40 % more cold entries than steps in a busy
 * minute of bench:live), and the rows come through a buffer shared with the host for the
 * tenant's life ({@link LiveApi.share}): no copy, no allocation per call. A step that placed,
 * cancelled and logged nothing — almost every step — builds nothing and answers nothing: a call
 * returns 0, or its reports. Everything that leaves is made here, from the engine's own values:
 * numbers and reports as a JSON string — never a value the strategy made, so no host-side
 * conversion can meet a hostile object.
 */
import type { Engine } from '../core/engine.ts';
import type { StrategyDefinition } from '../core/definition.ts';
import type { EngineSettings } from '../core/types.ts';
import { LiveEngine, type LiveFeed } from '../live/live-engine.ts';

/** A coded error as it leaves the isolate. */
export interface LiveIsolateError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** What opening a run takes. */
export interface LiveRunInput {
  feeds: LiveFeed[];
  settings: EngineSettings;
  params: Record<string, unknown>;
  capacity: number;
}

/** An order a step placed, as plain data. */
export interface LiveReportOrder {
  id: number;
  symbol: string;
  side: 'buy' | 'sell';
  type: string;
  qty: number;
  percent: number;
  price: number;
  reason: string;
}

/** What a step that did more than move the equity says (JSON). */
export type LiveReport =
  | {
      ok: true;
      placed: LiveReportOrder[];
      cancelled: number[];
      logs: Array<{ time: number; text: string }>;
      equity: number;
    }
  | { ok: false; error: LiveIsolateError };

/** An execution as `LiveEngine.applyFill` books it: symbol, side, quantity, price, fee, time, reason. */
export type RecordedFill = [string, 'buy' | 'sell', number, number, number, number, string];

/** What a reopened run gets back from the engine it replaces. */
export interface RestoredBooks {
  fills: RecordedFill[];
  orders: LiveReportOrder[];
}

/** Numbers per row the host writes for a step: handle, feed, then the candle (step-rows.ts). */
export const STEP_ROW = 9;
/** Rows per call into a tenant's isolate (so a tenant with many runs still answers between slices). */
export const STEP_SLICE = 16;

/**
 * What the host noted for a tenant's runs since its last call, booked at the start of the next:
 * `[0, handle, ...RecordedFill]` a fill, `[1, handle, orderId]` an order the venue finished.
 */
export type LiveNoteRow = [0, number, ...RecordedFill] | [1, number, number];
/** Numbers per warm-up row: feed, then the candle. */
export const WARM_ROW = 8;

interface Run {
  engine: LiveEngine;
  random: () => number;
}

/** What the isolate entry lends this module: where the current engine is set, and error shaping. */
export interface LiveApiDeps {
  /** Makes `engine` the one `Date` and `Math.random` answer for (undefined: none). */
  enter(engine: Engine | undefined, random: (() => number) | undefined): void;
  classify(error: unknown): LiveIsolateError;
  seeded(seed: number): () => number;
}

/** The handle-addressed live API of a tenant's context. */
export function createLiveApi(deps: LiveApiDeps) {
  const runs = new Map<number, Run>();
  /** Reports of the last `stepMany`, by row, waiting for `takeReports`. */
  let reports: Array<[number, LiveReport]> = [];
  /** The rows of a `stepMany`: the host's buffer, shared for the tenant's life (see `share`). */
  let shared: Float64Array = new Float64Array(0);
  /** A note that failed to book, by run: the run's next step reports it (its books are wrong). */
  const broken = new Map<number, LiveReport>();
  /** Row of `stepMany` being stepped: after a timeout, the host reads which run it was. */
  let stepping = -1;
  /**
   * Wall milliseconds each row of the last `stepMany` took, kept here (one buffer for the
   * tenant's life) and read by the host only when a call went over its CPU budget.
   */
  let walls = new Float64Array(16);
  // Wall clock captured before any strategy runs (Date is replaced by harden): used only to say
  // which of a tenant's runs took the time, never to enforce a limit (CPU does that, on the host).
  const wallNow = Date.now;

  const safe = (error: unknown): LiveReport => {
    try {
      return { ok: false, error: deps.classify(error) };
    } catch {
      // The thrown value fought back (a getter that throws): say so without touching it again.
      return {
        ok: false,
        error: { code: 'STRATEGY_RUNTIME_ERROR', message: 'the strategy threw a value that cannot be read' },
      };
    }
  };

  function report(engine: LiveEngine, placed: LiveReportOrder[], cancelled: number[]): LiveReport {
    const logs = engine.logs.splice(0).map((l) => ({ time: l.time, text: l.text }));
    return { ok: true, placed, cancelled, logs, equity: engine.ledger.equity() };
  }

  /**
   * Shows row `o` of `row` to the run: undefined when it placed, cancelled and logged nothing (the
   * usual step: nothing is built, not even its equity), else its report. A warm-up step drops its
   * orders and reports its logs only.
   */
  function step(run: Run, row: Float64Array, o: number, warmup: boolean): LiveReport | undefined {
    const engine = run.engine;
    deps.enter(engine, run.random);
    const s = engine.advanceBar(
      row[o]!,
      row[o + 1]!,
      row[o + 2]!,
      row[o + 3]!,
      row[o + 4]!,
      row[o + 5]!,
      row[o + 6]!,
      row[o + 7]!,
    );
    if (warmup) engine.cancelAll();
    if ((warmup || (s.placed.length === 0 && s.cancelled.length === 0)) && engine.logs.length === 0)
      return undefined;
    const placed = warmup
      ? []
      : s.placed.map((x) => ({
          id: x.id,
          symbol: x.symbol,
          side: x.side,
          type: x.type,
          qty: x.qty,
          percent: x.percent,
          price: x.price,
          reason: x.reason,
        }));
    return report(engine, placed, warmup ? [] : [...s.cancelled]);
  }

  const notOpen = (): LiveReport => ({
    ok: false,
    error: { code: 'STRATEGY_SANDBOX_FAILED', message: 'the run is not open' },
  });

  /** Books the host's notes (JSON of {@link LiveNoteRow}s), in the order they were made. */
  function book(notes: string): void {
    for (const note of JSON.parse(notes) as LiveNoteRow[]) {
      const run = runs.get(note[1]);
      if (run === undefined) continue;
      try {
        if (note[0] === 0)
          run.engine.applyFill(note[2], note[3], note[4], note[5], note[6], note[7], note[8]);
        else run.engine.orderDone(note[2]);
      } catch (error) {
        broken.set(note[1], safe(error));
      }
    }
  }

  /** Takes the reports waiting, as JSON `[[row, report], …]`. */
  function taken(): string {
    const json = JSON.stringify(reports);
    reports = [];
    return json;
  }

  return {
    /** Starts run `handle` of module `definition`. */
    open(handle: number, definition: StrategyDefinition, input: LiveRunInput, seed: number): string {
      try {
        const random = deps.seeded(seed);
        deps.enter(undefined, random);
        const engine = new LiveEngine(definition, input.feeds, input.settings, input.params, input.capacity);
        runs.set(handle, { engine, random });
        return JSON.stringify({ ok: true });
      } catch (error) {
        return JSON.stringify(safe(error));
      } finally {
        deps.enter(undefined, undefined);
      }
    },

    /** Takes the buffer the host writes step rows into (once, as the tenant is made). */
    share(buffer: SharedArrayBuffer): void {
      shared = new Float64Array(buffer);
    },

    /**
     * Books `notes` (JSON of {@link LiveNoteRow}s, or undefined), then steps rows `from` to `to` of
     * the shared buffer ({@link STEP_ROW} numbers each). Returns 0 when no row left a report, else
     * the reports as {@link takeReports} gives them; the wall time of each row stays in
     * {@link walls}. The reports stay for {@link takeReports} until the next call: a call stopped
     * on its way, or one whose answer isolated-vm replaced by what was raised after it returned
     * (a rejection no handler took), leaves them there for the host.
     */
    stepMany(from: number, to: number, notes: string | undefined): number | string {
      reports = [];
      if (notes !== undefined) book(notes);
      if (walls.length < to) walls = new Float64Array(Math.max(to, 2 * walls.length));
      const rows = shared;
      // One clock reading per run: each row's wall time runs from the end of the one before.
      let mark = wallNow();
      for (let r = from; r < to; r++) {
        stepping = r;
        const o = r * STEP_ROW;
        const handle = rows[o]!;
        const run = runs.get(handle);
        let result: LiveReport | undefined;
        if (run === undefined) result = notOpen();
        else if (broken.has(handle)) result = broken.get(handle);
        else
          try {
            result = step(run, rows, o + 1, false);
          } catch (error) {
            result = safe(error);
          }
        const now = wallNow();
        walls[r] = now - mark;
        mark = now;
        if (result !== undefined) reports.push([r, result]);
      }
      stepping = -1;
      deps.enter(undefined, undefined);
      return reports.length === 0 ? 0 : JSON.stringify(reports);
    },

    /** Books `notes` (as {@link stepMany} does) with no step: before a call that reads a run's books. */
    book(notes: string): void {
      book(notes);
    },

    /** The row `stepMany` was stepping when it was stopped (or -1). */
    stepping: (): number => stepping,
    /** Wall milliseconds of the first `n` rows of the last `stepMany` (a copy). */
    walls: (n: number): Float64Array => walls.slice(0, n),

    /** Reports of the last steps as JSON `[[row, report], …]`, then forgets them. */
    takeReports: taken,

    /**
     * Warm-up: rows of {@link WARM_ROW} numbers shown to run `handle` with their orders dropped.
     * Returns JSON `{ ok, equity, logs }` or the error.
     */
    warm(handle: number, rows: Float64Array): string {
      const run = runs.get(handle);
      if (run === undefined) return JSON.stringify(safe(new Error('the run is not open')));
      const logs: Array<{ time: number; text: string }> = [];
      try {
        for (let r = 0; r < rows.length / WARM_ROW; r++) {
          const result = step(run, rows, r * WARM_ROW, true);
          if (result?.ok === true) for (const l of result.logs) if (logs.length < 200) logs.push(l);
        }
        return JSON.stringify({ ok: true, equity: run.engine.ledger.equity(), logs });
      } catch (error) {
        return JSON.stringify(safe(error));
      } finally {
        deps.enter(undefined, undefined);
      }
    },

    /** Books a reopened run's past executions and puts back its working orders (see LiveSession.restore). */
    restore(handle: number, books: RestoredBooks): string {
      const run = runs.get(handle);
      if (run === undefined) return JSON.stringify(safe(new Error('the run is not open')));
      try {
        for (const f of books.fills) run.engine.applyFill(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        for (const o of books.orders)
          run.engine.restoreOrder({
            id: o.id,
            symbol: o.symbol,
            side: o.side,
            type: o.type as 'market',
            qty: o.qty,
            percent: o.percent,
            price: o.price,
            reason: o.reason,
          });
        return JSON.stringify({ ok: true });
      } catch (error) {
        return JSON.stringify(safe(error));
      }
    },

    close(handle: number): void {
      runs.delete(handle);
      broken.delete(handle);
    },

    /** Runs open in this context. */
    count: (): number => runs.size,
  };
}

export type LiveApi = ReturnType<typeof createLiveApi>;
