/**
 * @module Live runs inside a tenant's isolate (linked into the isolate script by isolate-entry.ts).
 * One isolate and one hardened context per tenant in a sandbox process; each of the tenant's runs
 * is its own module instance (so module-level state is per run, as in a backtest) with its own
 * {@link LiveEngine}, its own seeded `Math.random` and clock, addressed by a numeric handle.
 *
 * The host enters the isolate once per tenant per candle close (`stepMany`), not once per run:
 * entering an isolate is what a live step cost most (~10 µs per entry even for an empty function,
 * and every isolate's heap is cold in the CPU's caches). Everything that leaves is made here, from
 * the engine's own values: numbers in a Float64Array and reports as a JSON string — never a value
 * the strategy made, so no host-side conversion can meet a hostile object.
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

/** Numbers per candle row the host sends: handle, feed, then the candle. */
export const STEP_ROW = 9;
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
  /** The candle of a `stepOne`, as `step` reads it. */
  const scratch = new Float64Array(WARM_ROW);
  /** Row of `stepMany` being stepped: after a timeout, the host reads which run it was. */
  let stepping = -1;
  /** The output of the last `stepMany`, for the host to read after it was stopped mid-way. */
  let last = new Float64Array(0);
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

  function step(run: Run, row: Float64Array, o: number, warmup: boolean): LiveReport | number {
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
      return engine.ledger.equity();
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

    /**
     * Steps rows of {@link STEP_ROW} numbers from row `from`; returns two numbers per row: the run's
     * equity (NaN when a report waits in {@link takeReports}) and the wall milliseconds it took.
     */
    stepMany(rows: Float64Array, from: number): Float64Array {
      const n = rows.length / STEP_ROW;
      const out = (last = new Float64Array(2 * n));
      for (let r = from; r < n; r++) {
        stepping = r;
        const o = r * STEP_ROW;
        const run = runs.get(rows[o]!);
        const started = wallNow();
        let result: LiveReport | number;
        if (run === undefined)
          result = { ok: false, error: { code: 'STRATEGY_SANDBOX_FAILED', message: 'the run is not open' } };
        else
          try {
            result = step(run, rows, o + 1, false);
          } catch (error) {
            result = safe(error);
          }
        out[2 * r] = typeof result === 'number' ? result : NaN;
        out[2 * r + 1] = wallNow() - started;
        if (typeof result !== 'number') reports.push([r, result]);
      }
      stepping = -1;
      deps.enter(undefined, undefined);
      return out;
    },

    /**
     * {@link stepMany} for one run, its candle as number arguments: nothing to allocate or copy on
     * either side (most accounts hold one run). Its equity, or NaN when a report waits.
     */
    stepOne(handle: number, ...candle: number[]): number {
      stepping = 0;
      for (let k = 0; k < WARM_ROW; k++) scratch[k] = candle[k]!;
      const run = runs.get(handle);
      let result: LiveReport | number;
      if (run === undefined)
        result = { ok: false, error: { code: 'STRATEGY_SANDBOX_FAILED', message: 'the run is not open' } };
      else
        try {
          result = step(run, scratch, 0, false);
        } catch (error) {
          result = safe(error);
        }
      stepping = -1;
      deps.enter(undefined, undefined);
      if (typeof result === 'number') return result;
      reports.push([0, result]);
      return NaN;
    },

    /** The row `stepMany` was stepping when it was stopped (or -1), and what it wrote until then. */
    stepping: (): number => stepping,
    partial: (): Float64Array => last,

    /** Reports of the last steps as JSON `[[row, report], …]`, then forgets them. */
    takeReports(): string {
      const json = JSON.stringify(reports);
      reports = [];
      return json;
    },

    /**
     * Warm-up: rows of {@link WARM_ROW} numbers shown to run `handle` with their orders dropped.
     * Returns JSON `{ ok, equity, logs }` or the error.
     */
    warm(handle: number, rows: Float64Array): string {
      const run = runs.get(handle);
      if (run === undefined) return JSON.stringify(safe(new Error('the run is not open')));
      const logs: Array<{ time: number; text: string }> = [];
      let equity = run.engine.ledger.equity();
      try {
        for (let r = 0; r < rows.length / WARM_ROW; r++) {
          const result = step(run, rows, r * WARM_ROW, true);
          if (typeof result === 'number') equity = result;
          else if (result.ok) {
            equity = result.equity;
            for (const l of result.logs) if (logs.length < 200) logs.push(l);
          }
        }
        return JSON.stringify({ ok: true, equity, logs });
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

    fill(
      handle: number,
      symbol: string,
      side: 'buy' | 'sell',
      quantity: number,
      price: number,
      fee: number,
      time: number,
      reason: string,
    ): void {
      const run = runs.get(handle);
      if (run === undefined) return;
      run.engine.applyFill(symbol, side, quantity, price, fee, time, reason);
    },

    done(handle: number, orderId: number): void {
      runs.get(handle)?.engine.orderDone(orderId);
    },

    close(handle: number): void {
      runs.delete(handle);
    },

    /** Runs open in this context. */
    count: (): number => runs.size,
  };
}

export type LiveApi = ReturnType<typeof createLiveApi>;
