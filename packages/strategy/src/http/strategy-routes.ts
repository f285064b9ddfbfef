/**
 * @module The strategy routes under `/api/v1`: strategies and their immutable versions
 * (`/strategies…`, scopes `strategies:read|write`), and backtests (`/backtests…`: run and cancel
 * need `backtests:run`, reading needs `strategies:read`). Every read is scoped by the caller:
 * another user's strategy or run is 404. Every check runs before anything is written, so bad
 * input changes nothing. Quotas: stored strategies and backtests per day from identity's tier
 * table, concurrent jobs and sandbox limits from `strategy.tiers`.
 */
import { principalOf, requireAuthentication, requireScope, type Principal } from '@tickline/identity';
import { TicklineError, uuidv7 } from '@tickline/kernel';
import { ALL_INTERVALS } from '@tickline/market';
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { compileStrategy } from '../api/compile-strategy.ts';
import { STRATEGY_API_DTS } from '../api/strategy-api-dts.ts';
import { resolveParams } from '../core/definition.ts';
import { backtestSettingsSchema, resolveBacktestSettings } from '../settings/backtest-settings.ts';
import type { RunRecord, StrategyRecord, VersionInfo } from '../versions/strategy-repository.ts';
import type { BacktestRequest } from '../module/backtest-queue.ts';
import { assertKnownSymbol, hasCandles } from '../module/candle-feed.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
// Declares the codes these routes throw, so the error handler knows their statuses.
import '../module/strategy-api-errors.ts';

export const STRATEGY_SCOPES = {
  read: 'strategies:read',
  write: 'strategies:write',
  run: 'backtests:run',
} as const;

const TAGS = ['strategies'];
const BACKTEST_TAGS = ['backtests'];
const security: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];
const DAY_MS = 86_400_000;

const Id = z.uuid();
const IdParams = z.object({ id: Id });
const VersionParams = z.object({ id: Id, n: z.coerce.number().int().min(1).max(1_000_000) });
const Language = z.enum(['typescript', 'javascript']).default('typescript');
/** Bounded here only against abuse; the configured limit is checked with its own code (413). */
const Source = z
  .string()
  .min(1)
  .max(4 * 1024 * 1024);
/** An ISO date-time or epoch milliseconds. */
const Instant = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);
const toMs = (v: string | number): number => (typeof v === 'number' ? v : Date.parse(v));

const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

function strategyJson(s: StrategyRecord) {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    latestVersion: s.latestVersion,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
  };
}

function versionJson(v: VersionInfo) {
  return {
    strategyId: v.strategyId,
    version: v.version,
    language: v.language,
    params: v.params,
    sourceSha256: v.sourceSha256,
    sizeBytes: v.sizeBytes,
    createdAt: v.createdAt.toISOString(),
  };
}

function runJson(r: RunRecord) {
  const q = r.request as unknown as BacktestRequest;
  return {
    id: r.id,
    strategyId: r.strategyId,
    version: r.version,
    status: r.status,
    progress: r.progress,
    symbol: q.symbol,
    interval: q.interval,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    exchange: q.exchange ?? null,
    params: q.params,
    settings: q.settings,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** Mark-to-market drawdown at each point of the (downsampled) curve, as a negative fraction. */
export function drawdownOf(equity: ReadonlyArray<readonly [number, number]>): Array<[number, number]> {
  let peak = Number.NEGATIVE_INFINITY;
  return equity.map(([t, v]) => {
    peak = Math.max(peak, v);
    return [t, peak > 0 ? v / peak - 1 : 0];
  });
}

/** The routes plugin; register it with `{ prefix: '/api/v1' }`. */
export function strategyRoutes(host: StrategyHost): FastifyPluginAsync {
  const { repository, queue, settings } = host;
  const compile = (source: string, language: 'typescript' | 'javascript') =>
    compileStrategy(source, { language, maxBytes: settings.maxCodeBytes });

  function tierLimits(principal: Principal) {
    return settings.tiers[principal.tier];
  }

  return async function strategyRoutesPlugin(root) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const auth = requireAuthentication(host.identity);
    const guarded = (scope: string) => ({
      preHandler: [
        auth,
        async (request: Parameters<typeof auth>[0]) => requireScope(principalOf(request), scope),
      ],
    });

    app.get(
      '/strategies/api-types',
      {
        schema: {
          summary: 'The published strategy API as a TypeScript declaration file',
          description:
            'For editors: load `declarations` as `tickline-strategy.d.ts` to type-check strategy code.',
          tags: TAGS,
        },
      },
      async () => ({ filename: 'tickline-strategy.d.ts', declarations: STRATEGY_API_DTS }),
    );

    app.post(
      '/strategies/compile',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Check strategy code without saving it',
          description:
            'Strips types, parses and loads the module in a sandbox. Errors are 4xx with `details.line` and `details.column` when known.',
          tags: TAGS,
          security,
          body: z.object({ source: Source, language: Language }).strict(),
        },
      },
      async (request) => {
        const { params } = await compile(request.body.source, request.body.language);
        return { ok: true, params };
      },
    );

    app.get(
      '/strategies',
      { ...guarded(STRATEGY_SCOPES.read), schema: { summary: 'Your strategies', tags: TAGS, security } },
      async (request) => {
        const list = await repository.listStrategies(principalOf(request).userId);
        return { strategies: list.map(strategyJson) };
      },
    );

    app.post(
      '/strategies',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Create a strategy with its first version',
          description:
            "The code is compiled first; a syntax or definition error is 422 with line and column and creates nothing. 403 STRATEGY_QUOTA_STRATEGIES at the tier's maxStrategies.",
          tags: TAGS,
          security,
          body: z
            .object({
              name: z.string().trim().min(1).max(100),
              description: z.string().max(2_000).optional(),
              source: Source,
              language: Language,
            })
            .strict(),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const body = request.body;
        const count = await repository.countStrategies(principal.userId);
        if (count >= principal.limits.maxStrategies) {
          throw new TicklineError(
            'STRATEGY_QUOTA_STRATEGIES',
            `the ${principal.tier} tier stores at most ${principal.limits.maxStrategies} strategies`,
            { details: { limit: principal.limits.maxStrategies, tier: principal.tier } },
          );
        }
        const compiled = await compile(body.source, body.language);
        const now = new Date(host.clock.now());
        const strategy = await repository.createStrategy({
          id: uuidv7(),
          userId: principal.userId,
          name: body.name,
          ...(body.description === undefined ? {} : { description: body.description }),
          now,
        });
        const version = await repository.saveVersion({
          userId: principal.userId,
          strategyId: strategy.id,
          source: body.source,
          js: compiled.js,
          language: body.language,
          params: compiled.params,
          now,
        });
        reply.status(201);
        return {
          strategy: { ...strategyJson(strategy), latestVersion: version.version },
          version: versionJson(version),
        };
      },
    );

    app.get(
      '/strategies/:id',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: { summary: 'A strategy', tags: TAGS, security, params: IdParams },
      },
      async (request) => {
        const s = await repository.getStrategy(principalOf(request).userId, request.params.id);
        return { strategy: strategyJson(s) };
      },
    );

    app.delete(
      '/strategies/:id',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Delete a strategy, its versions and its runs',
          tags: TAGS,
          security,
          params: IdParams,
        },
      },
      async (request, reply) => {
        await repository.deleteStrategy(principalOf(request).userId, request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/strategies/:id/versions',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: { summary: 'Versions of a strategy, oldest first', tags: TAGS, security, params: IdParams },
      },
      async (request) => {
        const versions = await repository.listVersions(principalOf(request).userId, request.params.id);
        return { versions: versions.map(versionJson) };
      },
    );

    app.post(
      '/strategies/:id/versions',
      {
        ...guarded(STRATEGY_SCOPES.write),
        schema: {
          summary: 'Save a new immutable version',
          description: 'Compiled first: an error is 422 with line and column and saves nothing.',
          tags: TAGS,
          security,
          params: IdParams,
          body: z.object({ source: Source, language: Language }).strict(),
        },
      },
      async (request, reply) => {
        const userId = principalOf(request).userId;
        await repository.getStrategy(userId, request.params.id);
        const compiled = await compile(request.body.source, request.body.language);
        const version = await repository.saveVersion({
          userId,
          strategyId: request.params.id,
          source: request.body.source,
          js: compiled.js,
          language: request.body.language,
          params: compiled.params,
          now: new Date(host.clock.now()),
        });
        reply.status(201);
        return { version: versionJson(version) };
      },
    );

    app.get(
      '/strategies/:id/versions/:n',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: { summary: 'One version with its source', tags: TAGS, security, params: VersionParams },
      },
      async (request) => {
        const v = await repository.getVersion(
          principalOf(request).userId,
          request.params.id,
          request.params.n,
        );
        return { version: { ...versionJson(v), source: v.source } };
      },
    );

    app.post(
      '/backtests',
      {
        ...guarded(STRATEGY_SCOPES.run),
        schema: {
          summary: 'Queue a backtest',
          description:
            'Answers 202 with the run id. Progress (`backtest.progress`) and the end (`backtest.completed`) arrive on the `user:{id}` stream channel. 429 STRATEGY_QUOTA_BACKTESTS / STRATEGY_QUOTA_CONCURRENT at the tier limits; 403 STRATEGY_TIER_LIMIT for sandbox limits above the tier.',
          tags: BACKTEST_TAGS,
          security,
          body: z
            .object({
              strategyId: Id,
              version: z.number().int().min(1).optional().describe('Default: the latest version.'),
              symbol: z.string().regex(/^[A-Z0-9]{1,20}-[A-Z0-9]{1,20}$/, 'expected BASE-QUOTE, upper case'),
              interval: z.enum(ALL_INTERVALS as [string, ...string[]]),
              from: Instant,
              to: Instant,
              exchange: z.string().min(1).max(32).optional(),
              params: z.record(z.string(), z.unknown()).default({}),
              settings: backtestSettingsSchema.optional(),
              sandbox: z
                .object({
                  memoryMb: z.number().int().positive().optional(),
                  cpuMs: z.number().int().positive().optional(),
                })
                .strict()
                .optional()
                .describe("Default: the tier's limits; more than the tier is 403."),
            })
            .strict(),
        },
      },
      async (request, reply) => {
        const principal = principalOf(request);
        const body = request.body;
        const from = toMs(body.from);
        const to = toMs(body.to);
        if (!(from < to)) {
          throw new TicklineError('STRATEGY_RANGE_INVALID', '`from` must be before `to`', {
            details: { from: body.from, to: body.to },
          });
        }
        const limits = tierLimits(principal);
        const sandbox = {
          memoryMb: body.sandbox?.memoryMb ?? limits.memoryMb,
          cpuMs: body.sandbox?.cpuMs ?? limits.cpuMs,
        };
        if (sandbox.memoryMb > limits.memoryMb || sandbox.cpuMs > limits.cpuMs) {
          throw new TicklineError(
            'STRATEGY_TIER_LIMIT',
            `the ${principal.tier} tier allows at most ${limits.memoryMb} MiB and ${limits.cpuMs} ms`,
            {
              details: { tier: principal.tier, memoryMb: limits.memoryMb, cpuMs: limits.cpuMs },
            },
          );
        }
        const version = await repository.getVersion(principal.userId, body.strategyId, body.version);
        const params = resolveParams(version.params, body.params);
        const settingsInput = body.settings ?? {};
        resolveBacktestSettings(settingsInput);
        const interval = body.interval as BacktestRequest['interval'];
        await assertKnownSymbol(host.sql, body.symbol);
        const feedQuery = {
          symbol: body.symbol,
          interval,
          from,
          to,
          ...(body.exchange ? { exchange: body.exchange } : {}),
        };
        if (!(await hasCandles(host.sql, feedQuery))) {
          throw new TicklineError(
            'STRATEGY_NO_DATA',
            `no candles for ${body.symbol} ${interval} in the range`,
            {
              details: {
                symbol: body.symbol,
                interval,
                from: new Date(from).toISOString(),
                to: new Date(to).toISOString(),
              },
            },
          );
        }
        const now = host.clock.now();
        const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
        const counts = await repository.runCounts(principal.userId, new Date(dayStart));
        if (counts.since >= principal.limits.backtestsPerDay) {
          reply.header('retry-after', String(Math.ceil((dayStart + DAY_MS - now) / 1000)));
          throw new TicklineError(
            'STRATEGY_QUOTA_BACKTESTS',
            `the ${principal.tier} tier runs ${principal.limits.backtestsPerDay} backtests per day`,
            {
              details: {
                limit: principal.limits.backtestsPerDay,
                resetAt: new Date(dayStart + DAY_MS).toISOString(),
              },
            },
          );
        }
        if (counts.active >= limits.concurrentJobs) {
          throw new TicklineError(
            'STRATEGY_QUOTA_CONCURRENT',
            `the ${principal.tier} tier allows ${limits.concurrentJobs} backtests at once`,
            {
              details: { limit: limits.concurrentJobs, active: counts.active },
            },
          );
        }
        const request_: BacktestRequest = {
          ...feedQuery,
          params,
          settings: settingsInput,
          sandbox,
          maxBars: limits.maxBarsPerRun,
          userConcurrency: limits.concurrentJobs,
        };
        const run = await repository.createRun({
          id: uuidv7(),
          userId: principal.userId,
          strategyId: body.strategyId,
          version: version.version,
          request: request_ as unknown as Record<string, unknown>,
          now: new Date(now),
        });
        queue.enqueue(run);
        reply.status(202);
        return { backtest: runJson(run) };
      },
    );

    app.get(
      '/backtests',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: {
          summary: 'Your backtests, newest first',
          tags: BACKTEST_TAGS,
          security,
          querystring: z.object({
            strategyId: Id.optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (request) => {
        const { strategyId, limit } = request.query;
        const runs = await repository.listRuns(principalOf(request).userId, strategyId ? 200 : limit);
        const chosen = strategyId ? runs.filter((r) => r.strategyId === strategyId).slice(0, limit) : runs;
        return { backtests: chosen.map(runJson) };
      },
    );

    app.get(
      '/backtests/:id',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: {
          summary: 'A backtest: its status, and its metrics once it succeeded',
          tags: BACKTEST_TAGS,
          security,
          params: IdParams,
        },
      },
      async (request) => {
        const userId = principalOf(request).userId;
        const run = await repository.getRun(userId, request.params.id);
        if (run.status !== 'succeeded') return { backtest: runJson(run), result: null };
        const r = await repository.getResult(userId, run.id);
        return {
          backtest: runJson(run),
          result: {
            metrics: r.metrics,
            bars: r.bars,
            tradesTruncated: r.tradesTruncated,
            logs: r.logs,
            plots: r.plots,
          },
        };
      },
    );

    const resultOf = async (userId: string, id: string) => {
      const run = await repository.getRun(userId, id);
      if (run.status !== 'succeeded') {
        throw new TicklineError('STRATEGY_RESULT_PENDING', `backtest ${id} is ${run.status}`, {
          details: { status: run.status },
        });
      }
      return repository.getResult(userId, id);
    };

    app.get(
      '/backtests/:id/trades',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: {
          summary: 'Trades of a succeeded backtest',
          tags: BACKTEST_TAGS,
          security,
          params: IdParams,
        },
      },
      async (request) => {
        const r = await resultOf(principalOf(request).userId, request.params.id);
        return { trades: r.trades, truncated: r.tradesTruncated };
      },
    );

    app.get(
      '/backtests/:id/equity',
      {
        ...guarded(STRATEGY_SCOPES.read),
        schema: {
          summary: 'Equity and drawdown curves of a succeeded backtest',
          description: 'Downsampled for charts to about 2,000 points: `[time ms, value]` pairs.',
          tags: BACKTEST_TAGS,
          security,
          params: IdParams,
        },
      },
      async (request) => {
        const r = await resultOf(principalOf(request).userId, request.params.id);
        return { equity: r.equity, drawdown: drawdownOf(r.equity) };
      },
    );

    app.post(
      '/backtests/:id/cancel',
      {
        ...guarded(STRATEGY_SCOPES.run),
        schema: {
          summary: 'Cancel a queued or running backtest',
          description: '409 STRATEGY_RUN_FINISHED once it ended.',
          tags: BACKTEST_TAGS,
          security,
          params: IdParams,
        },
      },
      async (request, reply) => {
        const run = await queue.cancel(principalOf(request).userId, request.params.id);
        reply.status(202);
        return { backtest: runJson(run) };
      },
    );
  };
}
