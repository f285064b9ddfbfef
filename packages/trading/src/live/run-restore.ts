/**
 * @module How a live run's state comes back when it starts again: the stored candles it warms up
 * and catches up on, and its books — taken over from the run it replaces (a resume, a lost
 * process), or rebuilt from the order journal (a restart, a takeover from another process). A
 * module of its own because these are the checkpoint's rules, apart from deciding live candles.
 */
import { INTERVAL_MS } from '@tickline/market';
import type {
  EngineSettings,
  IndexedCandle,
  LiveOrder,
  LiveSession,
  LiveWarmup,
  RecordedFill,
} from '@tickline/strategy';
import { lastDecided, type LiveRun, MAX_RECORDED_FILLS } from './live-run.ts';
import { readFlattenFills } from './run-flatten.ts';
import { FORCE_EXIT_REASON, notePositions } from './run-exit.ts';
import { forceExitPrefix } from '../broker/client-order-id.ts';
import type { Order } from '../broker/order.ts';
import type { LiveCounts, StoredLiveRun } from './live-store.ts';
import type { LiveRunnerOptions, LiveStrategySpec, WarmupWindow } from './live-runner-types.ts';

/** Most stored candles one feed replays on enable (warm-up and catch-up together). */
const MAX_HISTORY = 5_000;
/** Engine ids of working orders rebuilt from the journal: far above any the engine hands out itself. */
const RESTORED_ORDER_IDS = 1_000_000_000;

function intervalMs(interval: string): number {
  return (INTERVAL_MS as Record<string, number>)[interval] ?? 60_000;
}

/**
 * Stored candles of a run's feeds, oldest first: warm-up, and what closed after `resumeAfter`; at
 * least `minCount` per feed (a new run reads one even without warm-up, to learn where it ends).
 */
export async function storedHistory(
  o: Pick<LiveRunnerOptions, 'clock' | 'history'>,
  spec: LiveStrategySpec,
  resumeAfter: number | undefined,
  minCount = 0,
): Promise<IndexedCandle[]> {
  const now = o.clock.now();
  const history = await Promise.all(
    spec.feeds.map(async (f, k) => {
      const since =
        resumeAfter === undefined ? 0 : Math.ceil((now - resumeAfter) / intervalMs(f.interval)) + 1;
      const count = Math.min(MAX_HISTORY, Math.max(minCount, spec.warmupBars + since));
      if (count <= 0) return [];
      return (await o.history(f.symbol, f.interval, count, now)).map((c) => ({ ...c, k }));
    }),
  );
  return history.flat().sort((a, b) => a.closeTime - b.closeTime || a.k - b.k);
}

/**
 * Where a run resumed now decides from: the newest stored candle of its feeds closed by now (now
 * when none is). Candles closed by then are its warm-up; a candle that closed but is not stored
 * yet would be neither, so the point is what the store holds, not the clock.
 */
export async function storedUntilNow(
  o: Pick<LiveRunnerOptions, 'clock' | 'history'>,
  feeds: LiveStrategySpec['feeds'],
): Promise<number> {
  const now = o.clock.now();
  const last = await Promise.all(
    feeds.map(async (f) => (await o.history(f.symbol, f.interval, 1, now)).at(-1)),
  );
  const times = last.flatMap((c) => (c === undefined ? [] : [c.closeTime]));
  return times.length > 0 ? Math.max(...times) : now;
}

/** Where a run's warm-up ended, per feed that had stored history (stored windows or the run's). */
export function warmedUntil(
  windows: ReadonlyArray<WarmupWindow | { to?: number } | null | undefined> | undefined,
): number[] {
  return (windows ?? []).flatMap((w) => (w?.to === undefined ? [] : [w.to]));
}

/**
 * The spec a stored run starts again with (a restart, a takeover, a resume read from the store).
 * Its engine starts from the capital it was enabled with, not the portfolio's equity now: the
 * books rebuilt from the journal ({@link rebuild}) replay every fill since the enable on top of
 * it. Starting from today's equity counted the run's gains and fees twice — after one restart its
 * percent orders were 5.8 % smaller than its backtest replay's. `settingsNow` are the engine
 * settings a new run of the portfolio gets; runs stored before the capital was kept use them.
 */
export function storedRunSpec(run: StoredLiveRun, settingsNow: EngineSettings): LiveStrategySpec {
  return {
    id: run.id,
    strategyId: run.strategyId,
    version: run.version,
    userId: run.userId,
    portfolioId: run.portfolioId,
    params: run.params,
    feeds: run.feeds,
    settings:
      run.startingCapital === undefined
        ? settingsNow
        : { ...settingsNow, startingCapital: run.startingCapital },
    warmupBars: run.warmupBars,
    // Its orders: from its first decided candle, which comes before the enable when candles
    // closed while it warmed up (`warmupEnds`).
    ...(run.enabledAt === undefined
      ? {}
      : { ordersSince: Math.min(run.enabledAt, Math.min(...warmedUntil(run.warmup)) + 1) }),
  };
}

/** Reads of the store a new run's warm-up makes at most: the first, then what closed meanwhile. */
const WARMUP_READS = 3;

/**
 * A new run's warm-up: the last `warmupBars` stored candles of each feed, then — read again until
 * there are none, at most {@link WARMUP_READS} reads — those stored while it warmed up (seconds in
 * a sandbox process at load: several 1 s candles), so it listens from the newest stored candle on
 * and misses none in between. One candle is read even without warm-up, to learn where it ends.
 * Returns the warm-up's totals and each feed's window (undefined: no stored history then).
 */
export async function warmUpNew(
  o: Pick<LiveRunnerOptions, 'clock' | 'history'>,
  spec: LiveStrategySpec,
  session: Pick<LiveSession, 'warmup'>,
): Promise<{ warm: LiveWarmup; windows: Array<WarmupWindow | undefined> }> {
  const windows: Array<WarmupWindow | undefined> = spec.feeds.map(() => undefined);
  let warm: LiveWarmup | undefined;
  let readAt: number | undefined;
  for (let read = 0; read < WARMUP_READS; read++) {
    const at = o.clock.now();
    const newer = (await storedHistory(o, spec, readAt, 1)).filter(
      (c) => c.closeTime > (windows[c.k]?.to ?? -Infinity),
    );
    if (read > 0 && newer.length === 0) break;
    for (const c of newer) {
      const w = windows[c.k];
      const from = spec.warmupBars > 0 ? Math.min(w?.from ?? Infinity, c.closeTime) : undefined;
      windows[c.k] = {
        ...(from === undefined ? {} : { from }),
        to: Math.max(w?.to ?? -Infinity, c.closeTime),
      };
    }
    const more = await session.warmup(spec.warmupBars > 0 ? newer : []);
    warm =
      warm === undefined
        ? more
        : { equity: more.equity, cpuMs: warm.cpuMs + more.cpuMs, logs: [...warm.logs, ...more.logs] };
    readAt = at;
  }
  return { warm: warm!, windows };
}

/**
 * What a new session takes over from the run it replaces: counters, recent signals and logs (the
 * last `keepLogs`), the executions booked (so its position and cash are the old engine's), and the
 * working orders with their ids (so the strategy sees and can cancel them, and their fills reach it).
 */
export async function inherit(
  run: LiveRun,
  before: LiveRun,
  keepLogs: number,
  journal: LiveRunnerOptions['orders'],
): Promise<void> {
  const status = run.status;
  const old = before.status;
  status.candles += old.candles;
  status.signals += old.signals;
  status.cpuMs += old.cpuMs;
  status.errors += old.errors;
  status.lastSignals = old.lastSignals;
  // The new session's warm-up replayed history the run had seen (and logged) already: a resume
  // shows the run's lines once, not its warm-up again.
  status.logs = [...old.logs, ...status.logs.filter((line) => line.warmup !== true)].slice(-keepLogs);
  if (old.lastError) status.lastError ??= old.lastError;
  // A resume or a reopen keeps the owner's stop-entry (run-exit.ts).
  if (old.stopEntry === true) status.stopEntry = true;
  // Its last *decided* candle: one claimed but never answered is decided again by the new session.
  const last = lastDecided(before);
  if (last !== undefined) status.lastCandleTime = last;
  const fills = await bookedFills(before, journal);
  await run.session.restore({ fills, orders: [...before.byClientId.values()] });
  keepFills(run, fills);
  for (const [clientOrderId, order] of before.byClientId) run.byClientId.set(clientOrderId, order);
  for (const [id, clientOrderId] of before.byEngineId) run.byEngineId.set(id, clientOrderId);
}

/** The reason a rebuilt order carries in the engine: a force exit's own, or `restored`. */
const reasonOf = (o: Order): string => (o.origin?.kind === 'manual' ? FORCE_EXIT_REASON : 'restored');

/**
 * Every execution of the run's own orders in the journal, and the kill switch's flatten closes that
 * met its positions (run-flatten.ts), in time order.
 */
async function journalFills(
  spec: LiveStrategySpec,
  journal: LiveRunnerOptions['orders'],
  orders?: Awaited<ReturnType<typeof ownOrders>>,
): Promise<RecordedFill[]> {
  const own: RecordedFill[] = (orders ?? (await ownOrders(spec, journal)))
    .flatMap((o) => o.fills.map((f) => ({ o, f })))
    .sort((a, b) => a.f.time - b.f.time)
    .map(({ o, f }) => [o.symbol, o.side, f.quantity, f.price, f.fee, f.time, reasonOf(o)]);
  // A kill switch's flatten closed its positions with orders not its own (run-flatten.ts).
  return [...own, ...(await readFlattenFills(journal, spec.portfolioId, own))].sort((a, b) => a[5] - b[5]);
}

/**
 * Every execution `run` booked: its own record while whole, the journal's once the record outgrew
 * MAX_RECORDED_FILLS (replaying the newest 10,000 alone gave a reopened engine the wrong position
 * and cash after a few hours of a fast strategy). Without a journal, the record is all there is.
 */
export async function bookedFills(
  run: LiveRun,
  journal: LiveRunnerOptions['orders'],
): Promise<RecordedFill[]> {
  if (run.fillsTruncated !== true || journal === undefined) return run.fills;
  return journalFills(run.spec, journal);
}

/** Keeps the newest MAX_RECORDED_FILLS of `fills` as the run's record; positions from all of them. */
export function keepFills(run: LiveRun, fills: readonly RecordedFill[]): void {
  run.fills = fills.slice(-MAX_RECORDED_FILLS);
  if (fills.length > MAX_RECORDED_FILLS) run.fillsTruncated = true;
  else delete run.fillsTruncated;
  notePositions(run, fills);
}

/**
 * The run's own orders in the journal: its strategy's (this version), and its owner's force exits
 * (found by their id prefix: they are manual orders, yet they closed the run's position — without
 * them a run started again after one held the position it had sold, and sold it again).
 */
async function ownOrders(spec: LiveStrategySpec, journal: LiveRunnerOptions['orders']): Promise<Order[]> {
  if (journal === undefined || spec.ordersSince === undefined) return [];
  const [decided, exits] = await Promise.all([
    journal.ofStrategy(spec.portfolioId, spec.strategyId, spec.ordersSince),
    journal.withIdPrefix?.(spec.portfolioId, forceExitPrefix(spec.id), spec.ordersSince) ?? [],
  ]);
  return [
    ...decided.filter((o) => o.origin?.kind === 'strategy' && o.origin.version === spec.version),
    ...exits,
  ];
}

/**
 * Where a run started again resumes, and its counters from there: its stored checkpoint, or the
 * last candle it placed an order on if that is later. The checkpoint is written behind the
 * decisions (at load it lagged one): a candle after it whose order is in the journal was decided,
 * and deciding it again on books that already hold its working order (rebuild below) gave the
 * engine that order twice — the next candle then sold a position already sold. The candles stored
 * up to that point and the orders placed on them count on the checkpoint's `counts`.
 */
export async function resumeFrom(
  o: Pick<LiveRunnerOptions, 'clock' | 'history' | 'orders'>,
  spec: LiveStrategySpec,
  checkpoint: number,
  counts: LiveCounts | undefined,
): Promise<{ resumeAfter: number; counts: LiveCounts | undefined }> {
  let at = checkpoint;
  let signals = 0;
  for (const order of await ownOrders(spec, o.orders)) {
    if (order.origin?.kind !== 'strategy' || order.origin.candleCloseTime <= checkpoint) continue;
    at = Math.max(at, order.origin.candleCloseTime);
    signals++;
  }
  if (counts === undefined || at === checkpoint) return { resumeAfter: at, counts };
  const stored = await storedHistory(o, { ...spec, warmupBars: 0 }, checkpoint);
  const candles = stored.filter((c) => c.closeTime > checkpoint && c.closeTime <= at).length;
  return {
    resumeAfter: at,
    counts: { candles: counts.candles + candles, signals: counts.signals + signals },
  };
}

/**
 * A run started again after a restart of its process or a takeover from another one: its books
 * come back from the journal — every execution of its orders and every close of a kill switch's
 * flatten that met its position (run-flatten.ts), in time order, and its working orders under new engine ids (mapped to their client ids, so fills and cancels reach them).
 */
export async function rebuild(run: LiveRun, journal: LiveRunnerOptions['orders']): Promise<void> {
  const orders = await ownOrders(run.spec, journal);
  const fills = await journalFills(run.spec, journal, orders);
  const open = orders.filter((o) => o.status === 'new' || o.status === 'partially_filled');
  const working: LiveOrder[] = open.map((o, i) => ({
    id: RESTORED_ORDER_IDS + i,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: o.quantity,
    percent: 0,
    price: o.price ?? NaN,
    reason: reasonOf(o),
  }));
  if (fills.length === 0 && working.length === 0) return;
  await run.session.restore({ fills, orders: working });
  keepFills(run, fills);
  working.forEach((order, i) => {
    const clientOrderId = open[i]!.clientOrderId;
    run.byEngineId.set(order.id, clientOrderId);
    run.byClientId.set(clientOrderId, order);
  });
}

/** Books the kill switch's flatten closes that met `run`'s positions into its fills (run-flatten.ts). */
export async function bookFlatten(run: LiveRun, journal: LiveRunnerOptions['orders']): Promise<void> {
  const booked = await bookedFills(run, journal);
  const closed = await readFlattenFills(journal, run.spec.portfolioId, booked);
  if (closed.length === 0) return;
  keepFills(run, [...booked, ...closed].sort((a, b) => a[5] - b[5]));
}
