/**
 * @module Live trading inside the strategy module: the live host (paper venue, books, order desk,
 * runner, candle and portfolio consumers) made from the process's started log, publisher and
 * database; runner membership and run assignment through heartbeats on the log; the enabled runs
 * kept in SQL (live store) and read back every `live.syncMs`, so every runner process knows them;
 * and what the live routes need from identity (the caller, their tier's limits).
 */
import { hostname } from 'node:os';
import type { Publisher } from '@tickline/eventlog';
import { authenticateRequest, requireScope, type Tier } from '@tickline/identity';
import { hasAdminPower } from '@tickline/protocol';
import {
  createBeatService,
  createEventSource,
  type Service,
  ServiceStatus,
  TicklineError,
} from '@tickline/kernel';
import {
  type EngineSettings,
  LiveProcesses,
  type OpenSession,
  resolveBacktestSettings,
} from '@tickline/strategy';
import type { LiveRoutesOptions } from '../live-http/live-routes.ts';
import { createLiveAdminResponder } from '../live/live-admin-responder.ts';
import { everyProcessRoutes } from './every-process-routes.ts';
import { logReopen } from '../live/run-reopen.ts';
import { logPause } from '../live/run-pause.ts';
import { sqlCandleHistory } from '../live/candle-history.ts';
import { createLiveHost, type LiveHost } from '../live/live-host.ts';
import { createRedisOrderRateLimiter } from '../risk/redis-order-rate-limiter.ts';
import { createSqlOrderRateLimiter } from '../risk/sql-order-rate-limiter.ts';
import type { LiveStrategySpec } from '../live/live-runner.ts';
import { storedRunSpec, storedUntilNow, warmedUntil } from '../live/run-restore.ts';
import { LiveStore, type StoredLiveRun } from '../live/live-store.ts';
import { checkpointWriter } from '../live/checkpoint-writer.ts';
import { defaultMemberName } from '../live/member-name.ts';
import { RunnerMembership } from '../live/membership.ts';
import { createEquityCompaction } from '../portfolio/equity-compaction.ts';
import { readEquityAt, readEquityWindow } from '../portfolio/equity-history.ts';
import { createParityMonitor } from '../parity/parity-monitor.ts';
import { parityDiverged } from '../parity/parity-notice.ts';
import { createParityService } from '../parity/parity-service.ts';
import type { VenueActions } from '../venues/venue-actions.ts';
import { composeVenues } from '../venues/venue-composition.ts';
import { storedStatuses, strategyNameReader } from './stored-statuses.ts';
import type { LiveCompositionDeps } from './live-composition-deps.ts';

export type { LiveCompositionDeps } from './live-composition-deps.ts';

/** What the trading host holds of live trading. */
export interface LiveComposition {
  host: LiveHost;
  store: LiveStore;
  membership: RunnerMembership;
  services: Service[];
  routeOptions: Omit<LiveRoutesOptions, 'prefix'>;
  /** What the venue routes call, where live venues are configured. */
  venues?: VenueActions;
  /** Reads the stored runs and starts, pauses or drops the local ones to match. */
  sync(): Promise<void>;
}

/** Starts of a stored run that fail before it is paused (with backoff between them). */
const START_ATTEMPTS = 3;
/** CPU time to load a run's module and open it. */
const SETUP_CPU_MS = 2_000;
/**
 * Largest heap of one tenant's isolate in a live sandbox process. isolated-vm sizes the young
 * generation from it (2^(min(4, MB/128)+10) KiB: 4 MiB at 256, 16 MiB at 512 and above), and a
 * strategy that allocates on every candle walks all of it between scavenges — memory every isolate
 * holds, a thousand of them to a process.
 */
const MAX_TENANT_HEAP_MB = 256;

/** How long a failure of the shared order count is quiet in the log before it warns again. */
const ORDER_RATE_WARN_INTERVAL_MS = 10_000;

/** See the module comment. */
export function composeLive(deps: LiveCompositionDeps): LiveComposition {
  const { settings, clock, logger } = deps;
  let orderRateWarnedAt = -Infinity;
  /** The shared orders-per-minute count did not answer: this order was counted in this process. */
  const orderRateUnshared = (error: unknown): void => {
    // Every order would say it while the store is away: once per interval is enough.
    if (clock.now() - orderRateWarnedAt < ORDER_RATE_WARN_INTERVAL_MS) return;
    orderRateWarnedAt = clock.now();
    logger.warn({ err: error }, 'orders per minute counted in this process: the shared count did not answer');
  };
  const member =
    settings.member ??
    defaultMemberName({ host: hostname(), port: deps.port, pid: process.pid, soleProcess: deps.soleProcess });
  const membership = new RunnerMembership(member, clock, settings.memberTtlMs);
  const store = new LiveStore(deps.sql);
  const venues =
    deps.venues === undefined
      ? undefined
      : composeVenues({ ...deps.venues, sql: deps.sql, clock, logger, owns: (key) => membership.owns(key) });
  const maxLiveOf = (tier: string): number =>
    settings.tiers[tier as Tier]?.maxLive ?? settings.tiers.free.maxLive;
  const liveLimit = (limit: number) =>
    new TicklineError('STRATEGY_LIVE_LIMIT', `the tier runs at most ${limit} live strategies at once`, {
      details: { limit },
    });
  /** A resume refused because the owner already runs their tier's number of live strategies. */
  const refusedResume = async (id: string) => liveLimit(maxLiveOf((await store.get(id))?.tier ?? 'free'));
  const publish = (event: Parameters<Publisher['publish']>[0]) => void deps.publisher.publish(event);
  const tiers = new Map<string, Tier>();
  const tierOf = (userId: string): Tier => tiers.get(userId) ?? 'free';
  // Live runs execute in sandbox processes, never on this process's threads (docs/sandbox.md).
  const processes = new LiveProcesses({
    ...(settings.processes === undefined ? {} : { processes: settings.processes }),
    memoryMb: settings.processMemoryMb,
    stallMs: settings.stallMs,
    logger,
    metrics: deps.metrics,
  });
  // The stored version's compiled code in its owner's isolate, with the owner's tier limits.
  const sandboxSessions: OpenSession = async (spec, capacity, options) => {
    const version = await deps.repository.getVersion(spec.userId, spec.strategyId, spec.version);
    const limits = settings.tiers[tierOf(spec.userId)];
    return processes.open({
      runId: spec.id,
      tenant: spec.userId,
      code: version.js,
      feeds: spec.feeds,
      settings: spec.settings,
      params: spec.params,
      capacity,
      limits: {
        cpuMsPerCandle: limits.cpuMsPerCandle,
        setupCpuMs: SETUP_CPU_MS,
        warmupCpuMs: settings.warmupCpuMs,
      },
      // The owner's runs share one isolate: room for each of them, within reason.
      tenantMemoryMb: Math.min(MAX_TENANT_HEAP_MB, limits.memoryMb * Math.max(1, limits.maxLive)),
      ...(options?.cpuProbation === true ? { cpuProbation: true } : {}),
    });
  };
  // The engine of a live run starts with the portfolio's equity (percent-of-equity orders read it).
  const engineSettings = (portfolioId: string): EngineSettings =>
    resolveBacktestSettings({ startingCapital: Math.max(1, host.books.equity(portfolioId)) });
  const history = sqlCandleHistory(deps.sql);
  const reopenLog = logReopen(logger, member);
  const host: LiveHost = createLiveHost({
    eventLog: deps.eventLog,
    publish,
    flush: (timeoutMs) => deps.publisher.flush(timeoutMs),
    sql: deps.sql,
    clock,
    metrics: deps.metrics,
    member,
    symbols: deps.symbols,
    settings: resolveBacktestSettings({}),
    risk: settings.risk,
    closedMarket: settings.closedMarket,
    open: deps.open ?? sandboxSessions,
    warmupCpuMs: settings.warmupCpuMs,
    history,
    // Several processes count one window per portfolio: in Redis when there is one, else in
    // PostgreSQL; one process (embedded) counts exactly in its own memory.
    ...(deps.redis === undefined
      ? deps.soleProcess === true
        ? {}
        : { orderRate: createSqlOrderRateLimiter({ sql: deps.sql, onError: orderRateUnshared }) }
      : {
          orderRate: createRedisOrderRateLimiter({
            client: deps.redis.client,
            keyPrefix: deps.redis.keyPrefix,
            commandTimeoutMs: deps.redis.commandTimeoutMs,
            onError: orderRateUnshared,
          }),
        }),
    membership,
    ...(venues === undefined ? {} : { venues: venues.host }),
    persist: {
      // The live quota is taken with the write that starts the run (see LiveStore#withinQuota):
      // the routes' count is a quick refusal, this is the one that holds under a burst.
      enabled: async (spec, start) => {
        const tier = tierOf(spec.userId);
        const run = { ...spec, tier, ...start, startingCapital: spec.settings.startingCapital };
        if (!(await store.saveWithinLimit(run, maxLiveOf(tier)))) throw liveLimit(maxLiveOf(tier));
      },
      paused: (id, pause) => store.pause(id, pause),
      resumed: async (id, span) => {
        if (!(await store.resumeWithinLimit(id, maxLiveOf, span.at, span.after)))
          throw await refusedResume(id);
        monitor?.due(id);
      },
      stopped: (id) => store.remove(id),
    },
    onPersistError: (error) => logger.warn({ err: error }, 'could not store a live strategy pause'),
    waveBoxMs: settings.waveBoxMs,
    dataHealth: settings.dataHealth,
    onLateError: (runId, error) =>
      logger.warn(
        { err: error, run: runId ?? null },
        'a late live answer failed after its candle wave went on',
      ),
    onReopen: (id, reopen) => {
      // Its sandbox started again: checked once it decided candles again.
      if (reopen.error === undefined) monitor?.due(id);
      reopenLog(id, reopen);
    },
    onPause: logPause(logger, member),
    onAutoResume: (run, outcome) =>
      typeof outcome === 'object'
        ? logger.warn(
            { err: outcome.error, member, run },
            'live strategy paused for CPU could not resume; it stays paused',
          )
        : logger.info({ member, run, outcome }, 'live strategy paused for CPU: automatic resume'),
    afterCandles: () => {
      monitor?.checkDue();
      return checkpoint();
    },
    nameOf: strategyNameReader(deps.repository),
  });
  const checkpoint = checkpointWriter(
    () => host.runner.checkpoints(),
    (id) => membership.owns(id),
    (points) => store.checkpoint(points),
  );

  const specOf = (run: StoredLiveRun): LiveStrategySpec =>
    storedRunSpec(run, engineSettings(run.portfolioId));

  /** Runs this member runs, as of the last sync. */
  const mine = new Set<string>();
  /** Stored runs that failed to start here: attempts so far and when to try again. */
  const failures = new Map<string, { attempts: number; next: number }>();
  const startedAt = clock.now();

  /**
   * Starts the stored runs this member owns (rendezvous over the members heard from) and stops the
   * others. A run it gains — after a restart, or from a member that stopped — resumes from its
   * checkpoint: the candles after it are decided again, keyed as before, so none is skipped and no
   * order is placed twice. Until it read its own heartbeat back from the log (and two heartbeats
   * passed) it owns nothing: it has not heard the others yet, and would take every run. A log that
   * never brings its heartbeat back holds it for one ttl, after which it goes by what it heard.
   */
  async function sync(): Promise<void> {
    const listedAt = clock.now();
    const stored = await store.list();
    const elapsed = clock.now() - startedAt;
    const ready =
      elapsed >= 2 * settings.heartbeatMs && (membership.readBack() || elapsed >= settings.memberTtlMs);
    const running = new Map(stored.filter((r) => r.state === 'running').map((r) => [r.id, r]));
    for (const local of host.runner.list()) {
      if (host.runner.enabling(local.id)) continue;
      const run = stored.find((r) => r.id === local.id);
      if (run?.state === 'paused') {
        if (local.state === 'running') host.runner.markPaused(run.id, run.pause!);
      } else if (run === undefined || !membership.owns(run.id) || run.version !== local.version) {
        host.runner.disable(local.id);
        if (mine.delete(local.id)) logger.info({ member, run: local.id }, 'live strategy handed over');
      }
    }
    if (!ready) return;
    // The orders of the runs it may start wait for their catch-up, not the next live bar (see
    // run-catch-up.ts): held before they are taken over, released once each run started or not.
    const releases = [...running.values()]
      .filter((run) => membership.owns(run.id) && host.runner.status(run.id)?.state !== 'running')
      .map((run) => host.runner.orderHolds.hold(run));
    try {
      // Paper orders and claims of members that are gone (or of this one before a restart).
      const orphans = await host.adoptOrphans(membership.members());
      if (orphans.adopted + orphans.resubmitted + orphans.failed > 0)
        logger.info({ member, ...orphans }, 'paper orders taken over');
      await startOwned(running, listedAt);
    } finally {
      for (const release of releases) release();
    }
  }

  /** Starts the stored running runs this member owns that do not run here yet (see sync). */
  async function startOwned(running: ReadonlyMap<string, StoredLiveRun>, listedAt: number): Promise<void> {
    for (const run of running.values()) {
      if (!tiers.has(run.userId)) tiers.set(run.userId, run.tier as Tier);
      if (host.runner.enabling(run.id) || !membership.owns(run.id)) continue;
      const local = host.runner.status(run.id);
      // Running here already (enabled through this process's API, or kept from before).
      if (local !== undefined && local.state === 'running') {
        mine.add(run.id);
        continue;
      }
      // Paused here since the list was read: the list is stale, not the pause (restarting it
      // from its checkpoint undid an owner's pause and decided the candles it was to skip).
      if (local?.pause !== undefined && local.pause.at >= listedAt) continue;
      const failed = failures.get(run.id);
      if (failed !== undefined && failed.next > clock.now()) continue;
      const spec = specOf(run);
      // A run that never decided a candle resumes after the warm-up it was enabled with, so the
      // candles that closed since are decided, as its parity replay assumes.
      const ends = warmedUntil(run.warmup);
      const resumeAfter = run.checkpointMs ?? (ends.length > 0 ? Math.max(...ends) : undefined);
      try {
        await host.runner.enable(spec, {
          persist: false,
          counts: run.counts,
          ...(resumeAfter === undefined ? {} : { resumeAfter }),
        });
        failures.delete(run.id);
        mine.add(run.id);
        monitor?.due(run.id);
        logger.info({ member, run: run.id, resumeAfter: resumeAfter ?? null }, 'live strategy runs here');
      } catch (error) {
        // The strategy's own failure (it does not load, its warm-up is over budget) will not pass
        // on a retry: paused now. Anything else is retried with backoff, then paused.
        const attempts = (failed?.attempts ?? 0) + 1;
        const own = error instanceof TicklineError && /^(STRATEGY|SANDBOX_SUSPENDED)/.test(error.code);
        logger.warn({ err: error, run: run.id, attempts }, 'could not start a stored live strategy');
        if (own || attempts >= START_ATTEMPTS) {
          failures.delete(run.id);
          host.runner.failedToStart(spec, error);
        } else failures.set(run.id, { attempts, next: clock.now() + settings.syncMs * 2 ** attempts });
      }
    }
  }

  const source = createEventSource({ source: `strategy/runner/${member}`, clock });
  const heartbeat = createBeatService({
    name: 'strategy-live-heartbeat',
    intervalMs: settings.heartbeatMs,
    beatAtStart: true,
    beat: async () => publish(membership.heartbeat(source)),
  });
  const syncBeat = createBeatService({
    name: 'strategy-live-sync',
    intervalMs: settings.syncMs,
    beatAtStart: true,
    beat: async () => {
      await sync();
      await checkpoint();
    },
  });
  // The books open from the portfolio tables before the consumers feed them.
  const books: Service = {
    name: 'strategy-live-books',
    async start(context) {
      const n = await host.loadBooks();
      context.logger.info({ portfolios: n, member }, 'live trading: portfolios loaded');
    },
    async stop() {},
    health: () => ({ status: ServiceStatus.Up }),
  };

  const ownerOf = async (portfolioId: string): Promise<string | undefined> => {
    if (host.books.has(portfolioId)) return portfolioId;
    const { rows } = await deps.sql.query('select 1 from portfolios where portfolio_id = $1', [portfolioId]);
    return rows.length > 0 ? portfolioId : undefined;
  };
  // The parity report (the routes: the owner's, metered) and the platform's monitor of every run.
  const parity =
    deps.replay === undefined
      ? undefined
      : createParityService({
          stored: (id) => store.get(id),
          journal: host.journal,
          history,
          code: async (userId, strategyId, version) =>
            (await deps.repository.getVersion(userId, strategyId, version)).js,
          settings: (userId) => engineSettings(userId),
          equityAt: (portfolioId, atMs) => readEquityAt(deps.sql, portfolioId, atMs),
          run: deps.replay.run,
          limits: (tier) => deps.replay!.limits(tier as Tier),
          ...(deps.replay.meter === undefined ? {} : { meter: deps.replay.meter }),
        });
  const monitor =
    parity === undefined
      ? undefined
      : createParityMonitor({
          runs: () => host.runner.list().filter((r) => membership.owns(r.id)),
          report: (status) => parity(status, undefined, true),
          now: () => clock.now(),
          onDiverged: (status, check) => publish(parityDiverged(source, status, check)),
          onError: (run, error) => logger.warn({ err: error, member, run }, 'live parity check failed'),
        });
  // Stale feeds are found by time, not by a candle: a beat asks.
  const dataHealthBeat = createBeatService({
    name: 'strategy-live-data-health',
    intervalMs: settings.dataHealth.checkMs,
    beat: async () => host.runner.checkDataHealth(),
  });
  const parityBeat =
    monitor === undefined || settings.parityCheckMs === 0
      ? []
      : [
          createBeatService({
            name: 'strategy-live-parity',
            intervalMs: settings.parityCheckMs,
            beat: () => monitor.checkAll(),
          }),
        ];
  const statuses = storedStatuses(store, (id) => host.runner.status(id), deps.repository);
  const storedStatus = statuses.get;
  const routeOptions: Omit<LiveRoutesOptions, 'prefix'> = {
    ...(deps.rpc === undefined
      ? {}
      : everyProcessRoutes({ rpc: deps.rpc, runner: host.runner, store, logger })),
    shared: {
      list: statuses.list,
      get: storedStatus,
      async pause(id, code, reason) {
        await store.pause(id, { code, reason, at: clock.now() });
        return storedStatus(id);
      },
      async resume(id) {
        // Held by another process: it decides after the newest stored candle, as a local resume.
        const run = await store.get(id);
        const at = run === undefined ? clock.now() : await storedUntilNow({ clock, history }, run.feeds);
        if (!(await store.resumeWithinLimit(id, maxLiveOf, at))) throw await refusedResume(id);
        return storedStatus(id);
      },
      stop: (id) => store.remove(id),
    },
    runner: host.runner,
    desk: host.desk,
    ...(host.venues === undefined
      ? {}
      : { lotRules: (portfolioId: string, symbol: string) => host.venues!.lotRules(portfolioId, symbol) }),
    journal: host.journal,
    books: host.books,
    risk: host.risk,
    authenticate: async (request, scope) => {
      const principal = await authenticateRequest(deps.identity, request);
      requireScope(principal, scope);
      tiers.set(principal.userId, principal.tier);
      // An admin's key reaches other users' portfolios only when it carries the admin scope.
      return { userId: principal.userId, admin: hasAdminPower(principal) };
    },
    // A paper portfolio's id is its account's id, which is the owner's user id.
    ownerOf,
    portfoliosOf: async (userId) => ((await ownerOf(userId)) === undefined ? [] : [userId]),
    versionExists: async (userId, strategyId, version) => {
      try {
        await deps.repository.getVersion(userId, strategyId, version);
        return true;
      } catch (error) {
        if (error instanceof TicklineError && /NOT_FOUND/.test(error.code)) return false;
        throw error;
      }
    },
    paramDefaults: async (userId, strategyId, version) => {
      const { params } = await deps.repository.getVersion(userId, strategyId, version);
      return Object.fromEntries(Object.entries(params).map(([name, spec]) => [name, spec.default]));
    },
    maxLive: async (userId) => settings.tiers[tierOf(userId)].maxLive,
    enableGate: { perMinute: settings.enablesPerMinute },
    ...(deps.promotionGate
      ? {
          promotionGate: (userId, strategyId, version, feeds) =>
            deps.promotionGate!(userId, tierOf(userId), strategyId, version, feeds),
        }
      : {}),
    settings: (userId) => engineSettings(userId),
    symbols: deps.symbols,
    equityHistory: (portfolioId, window) => readEquityWindow(deps.sql, portfolioId, window, Date.now()),
    ...(parity === undefined ? {} : { parity }),
  };
  // The operations API (platform) gathers every strategy process's runs over request/reply.
  const admin = deps.rpc
    ? [createLiveAdminResponder({ rpc: deps.rpc, runner: host.runner, desk: host.desk, member })]
    : [];
  const attached =
    venues !== undefined && host.venues !== undefined
      ? venues.attach(host.venues, host.journal, settings.syncMs)
      : undefined;
  return {
    host,
    store,
    membership,
    // The sandbox processes stop last: the consumers that step runs stop before them.
    services: [
      ...(deps.open === undefined ? [processes] : []),
      host.follower.consumer,
      books,
      host.orderOutbox,
      ...host.services,
      host.follower.catchUp,
      heartbeat,
      syncBeat,
      createEquityCompaction(deps.sql, () => clock.now()),
      ...parityBeat,
      dataHealthBeat,
      ...admin,
      // Venue streams follow membership (heard from the heartbeats above) and feed the desks.
      ...(attached?.services ?? []),
    ],
    routeOptions,
    ...(attached === undefined ? {} : { venues: attached.actions }),
    sync,
  };
}
