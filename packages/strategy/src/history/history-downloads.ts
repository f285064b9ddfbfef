/**
 * @module History downloads: any signed-in user asks for a venue's klines over a range (a crypto
 * venue's public ones, or a share's from the configured Alpaca or KIS account);
 * the server fetches the UTC days nobody fetched yet, one day at a time (a run of days where the
 * venue serves daily bars), over the venue's REST
 * API (its own paging; 429s waited out as `Retry-After` says), and stores each day for everyone
 * (market's `storeVenueDay`: every interval, and the day recorded as covered in the same
 * transaction). Days already held are skipped, so a second request for the same range makes no
 * venue call and costs no quota, and a download that stopped — the venue refused, the process
 * ended — continues where it stopped when it is asked again or the process starts again.
 * Downloads run one at a time in the process: venue limits are per IP. Progress and the end go
 * to the owner's `user:{id}` as `history.download.progress` / `.completed`.
 */
import type { Clock, EventEnvelope, Logger, Service, ServiceHealth } from '@tickline/kernel';
import { createEventSource, isTicklineError, TicklineError, uuidv7 } from '@tickline/kernel';
import {
  ALL_INTERVALS,
  coveredDays,
  createVenueGetJson,
  DAY_MS,
  daysOf,
  fetchVenueBars,
  MarketHistoryChanged,
  storeVenueDay,
  venueAccess,
  venueBarInterval,
  venueDaysPerFetch,
  venueRefusal,
  venueRestUrl,
  type HistoryVenue,
  type HistoryVenueAccounts,
  type Sleep,
} from '@tickline/market';
import type { Sql } from '@tickline/store';
import { HistoryDownloadCompleted, HistoryDownloadProgress } from '../module/strategy-events.ts';
import type { HistoryDownloadSettings } from './download-settings.ts';
import {
  advanceDownload,
  downloadJson,
  findDownload,
  heldCandles,
  insertDownload,
  listDownloads,
  restartDownload,
  runningDownloads,
  venueDaysUsed,
  type HistoryDownloadRecord,
} from './history-download-rows.ts';
import './history-errors.ts';

export interface HistoryDownloadsOptions {
  sql: Sql;
  clock: Clock;
  logger: Logger;
  publish: (event: EventEnvelope) => void;
  settings: HistoryDownloadSettings;
  /** @default global fetch */
  fetch?: typeof fetch;
  /** @default the real timer */
  sleep?: Sleep;
  /** The share venues' accounts (the configured alpaca and kis sources). @default none */
  accounts?: HistoryVenueAccounts;
}

export interface DownloadAsk {
  userId: string;
  tier: string;
  venue: HistoryVenue;
  symbol: string;
  interval: string;
  fromMs: number;
  toMs: number;
}

const events = createEventSource({ source: 'strategy/history-downloads' });

export class HistoryDownloads implements Service {
  readonly name = 'history-downloads';
  readonly #o: HistoryDownloadsOptions;
  #chain: Promise<void> = Promise.resolve();
  #stop = new AbortController();
  #queued = new Set<string>();

  constructor(options: HistoryDownloadsOptions) {
    this.#o = options;
  }

  /** Picks up the downloads a previous process left running. */
  async start(): Promise<void> {
    this.#stop = new AbortController();
    for (const d of await runningDownloads(this.#o.sql)) this.#enqueue(d);
  }

  /** Stops fetching; a download cut off stays `running` and resumes at the next start. */
  async stop(): Promise<void> {
    this.#stop.abort(new Error('stopping'));
    await this.#chain;
  }

  health(): ServiceHealth {
    return { status: 'up', info: { queued: this.#queued.size } };
  }

  /** Resolves when every queued download has run (tests, and a first start's import). */
  idle(): Promise<void> {
    return this.#chain;
  }

  get(userId: string, id: string): Promise<HistoryDownloadRecord | null> {
    return findDownload(this.#o.sql, userId, id);
  }

  list(userId: string, limit: number): Promise<HistoryDownloadRecord[]> {
    return listDownloads(this.#o.sql, userId, limit);
  }

  /**
   * Starts a download, or answers with one that already covers the ask: the same range of the
   * user's still running is returned as it is, a failed one is restarted (resume), and a range
   * whose days are all held completes at once with no venue call and no quota.
   */
  async request(ask: DownloadAsk): Promise<HistoryDownloadRecord> {
    const { sql, clock, settings } = this.#o;
    const now = clock.now();
    const days = daysOf(ask.fromMs, ask.toMs, now);
    if (!(ask.fromMs < ask.toMs) || days.length === 0 || days.length > settings.maxDays) {
      throw new TicklineError(
        'STRATEGY_DOWNLOAD_RANGE',
        days.length > settings.maxDays
          ? `the range spans ${days.length} days; one download takes at most ${settings.maxDays}`
          : '`from` must be before `to` and in the past',
        { details: { maxDays: settings.maxDays } },
      );
    }
    const refusal = venueRefusal(ask.venue, ask.symbol, ask.interval);
    if (refusal)
      throw new TicklineError('STRATEGY_DOWNLOAD_VENUE', refusal, {
        details: { venue: ask.venue, symbol: ask.symbol, interval: ask.interval },
      });
    // A share venue without an account fails here, before anything is recorded.
    this.#access(ask.venue);
    const same = (await listDownloads(sql, ask.userId, 50)).find(
      (d) =>
        d.status !== 'complete' &&
        d.exchange === ask.venue &&
        d.symbol === ask.symbol &&
        d.interval === ask.interval &&
        d.fromMs === ask.fromMs &&
        d.toMs === ask.toMs,
    );
    if (same?.status === 'running') return same;
    const covered = await coveredDays(sql, ask.venue, ask.symbol, days);
    const missing = days.filter((d) => !covered.has(d)).length;
    if (missing > 0) await this.#checkQuota(ask, missing, now);
    const at = new Date(now);
    let record: HistoryDownloadRecord;
    if (same) {
      record = await restartDownload(sql, same.id, at);
    } else {
      record = await insertDownload(sql, {
        id: uuidv7(),
        userId: ask.userId,
        exchange: ask.venue,
        symbol: ask.symbol,
        interval: ask.interval,
        fromMs: ask.fromMs,
        toMs: ask.toMs,
        status: missing === 0 ? 'complete' : 'running',
        daysTotal: days.length,
        daysDone: missing === 0 ? days.length : 0,
        candles: missing === 0 ? await heldCandles(sql, { ...ask, exchange: ask.venue }) : 0,
        createdAt: at,
      });
    }
    if (record.status === 'running') this.#enqueue(record);
    else this.#emit(HistoryDownloadCompleted, record);
    return record;
  }

  async #checkQuota(ask: DownloadAsk, missing: number, now: number): Promise<void> {
    const limits = this.#o.settings.venueDaysPerDay as Record<string, number>;
    const limit = limits[ask.tier] ?? limits.free ?? 0;
    const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
    const used = await venueDaysUsed(this.#o.sql, ask.userId, new Date(dayStart));
    if (used + missing <= limit) return;
    throw new TicklineError(
      'STRATEGY_DOWNLOAD_QUOTA',
      `the download needs ${missing} venue days; the ${ask.tier} tier has ${Math.max(0, limit - used)} of ${limit} left today`,
      {
        details: {
          needed: missing,
          left: Math.max(0, limit - used),
          limit,
          resetAt: new Date(dayStart + DAY_MS).toISOString(),
          retryAfterSeconds: Math.ceil((dayStart + DAY_MS - now) / 1000),
        },
      },
    );
  }

  #enqueue(record: HistoryDownloadRecord): void {
    if (this.#queued.has(record.id)) return;
    this.#queued.add(record.id);
    this.#chain = this.#chain.then(async () => {
      try {
        if (!this.#stop.signal.aborted) await this.#run(record);
      } catch (error) {
        this.#o.logger.error({ err: error, id: record.id }, 'history download failed unexpectedly');
      } finally {
        this.#queued.delete(record.id);
      }
    });
  }

  /** The venue's REST URL and (for a share venue) authenticated fetch. */
  #access(venue: HistoryVenue) {
    const restUrls = this.#o.settings.restUrls as Partial<Record<HistoryVenue, string>>;
    return venueAccess(
      venue,
      this.#o.accounts ?? {},
      { restUrl: restUrls[venue], fallbackUrl: venueRestUrl(venue) },
      this.#o.fetch ?? fetch,
    );
  }

  async #run(start: HistoryDownloadRecord): Promise<void> {
    const { sql, clock, settings } = this.#o;
    const venue = start.exchange as HistoryVenue;
    const signal = this.#stop.signal;
    let calls = 0;
    let record = start;
    try {
      const access = this.#access(venue);
      const get = createVenueGetJson({
        fetch: access.fetch,
        ...(this.#o.sleep ? { sleep: this.#o.sleep } : {}),
        maxWaitMs: settings.maxWaitMs,
        signal,
        now: () => clock.now(),
        onRequest: () => calls++,
      });
      const barInterval = venueBarInterval(venue);
      const days = daysOf(start.fromMs, start.toMs, clock.now());
      const covered = await coveredDays(sql, venue, start.symbol, days);
      for (let i = record.daysDone; i < days.length;) {
        if (signal.aborted) return;
        const dayStart = days[i]!;
        if (covered.has(dayStart)) {
          record = await advanceDownload(sql, record.id, { days: 1, now: new Date(clock.now()) });
          this.#emit(HistoryDownloadProgress, record);
          i++;
          continue;
        }
        // The run of days not held that one fetch covers (one day of minutes; days of daily bars).
        let end = i + 1;
        while (end < days.length && end - i < venueDaysPerFetch(venue) && !covered.has(days[end]!)) end++;
        calls = 0;
        const bars = await fetchVenueBars(
          venue,
          { symbol: start.symbol, fromOpen: dayStart, toOpen: days[end - 1]! + DAY_MS },
          access.restUrl,
          get,
          access.options,
        );
        for (; i < end; i++) {
          const day = days[i]!;
          const now = clock.now();
          const venueCalls = calls;
          calls = 0;
          record = await sql.transaction(async (tx) => {
            const stored = await storeVenueDay(
              tx,
              {
                exchange: venue,
                symbol: start.symbol,
                dayStart: day,
                bars: bars.filter((c) => c.openTime >= day && c.openTime < day + DAY_MS),
                barInterval,
              },
              now,
              new Date(now),
            );
            return advanceDownload(tx, record.id, {
              days: 1,
              venueDays: 1,
              venueCalls,
              candles: record.candles + (stored.get(start.interval) ?? 0),
              now: new Date(now),
            });
          });
          this.#emit(HistoryDownloadProgress, record);
        }
      }
      const candles = await heldCandles(sql, { ...start, exchange: venue });
      record = await advanceDownload(sql, record.id, {
        status: 'complete',
        candles,
        now: new Date(clock.now()),
      });
      this.#changed(record);
    } catch (error) {
      if (signal.aborted) return; // interrupted: still running, resumed at the next start
      const known = isTicklineError(error);
      if (!known) this.#o.logger.warn({ err: error, id: record.id }, 'history download failed');
      record = await advanceDownload(sql, record.id, {
        status: 'failed',
        venueCalls: calls,
        error: known
          ? { code: error.code, message: error.message }
          : { code: 'MARKET_VENUE_FAILED', message: 'the venue could not be read; the fault was logged' },
        now: new Date(clock.now()),
      });
      this.#changed(record);
    }
    this.#emit(HistoryDownloadCompleted, record);
  }

  /** Readers' caches drop the series: history of every interval was written. */
  #changed(record: HistoryDownloadRecord): void {
    if (record.venueDays === 0) return;
    for (const interval of ALL_INTERVALS) {
      if (interval === '1s') continue;
      this.#o.publish(
        events.create(MarketHistoryChanged, {
          subject: record.symbol,
          data: {
            exchange: record.exchange,
            symbol: record.symbol,
            interval,
            uploadId: record.id,
            change: 'imported',
          },
        }),
      );
    }
  }

  #emit(type: typeof HistoryDownloadProgress, record: HistoryDownloadRecord): void {
    this.#o.publish(
      events.create(type, {
        subject: record.userId,
        partitionkey: record.userId,
        data: { download: downloadJson(record) },
      }),
    );
  }
}
