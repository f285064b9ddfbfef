/**
 * @module The research routes under `/api/v1` (`/research…`): the look-ahead check, walk-forward
 * and parameter search as queued jobs. Queueing and cancelling need `backtests:run`, reading
 * needs `strategies:read`; another user's run is 404; every check (range, grid size, windows,
 * tier limits, data, quotas) runs before anything is queued. Progress is `progress` (0–1) on
 * the run, for polling.
 */
import { principalOf, requireAdmin, type Principal } from '@tickline/identity';
import { TicklineError, uuidv7 } from '@tickline/kernel';
import { ALL_INTERVALS, INTERVAL_MS, latestDataVersion, type CandleInterval } from '@tickline/market';
import { changedSince, type RunData } from '../module/run-data.ts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolveParams } from '../core/definition.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import { ResearchSpecSchema, validateSpec, type ResearchSpec } from '../research/research-report.ts';
import { assertWithinTier, estimateResearch, type ResearchEstimate } from '../research/research-budget.ts';
import type { ResearchRequest } from '../research-jobs/research-queue.ts';
import type { ResearchRecord } from '../research-jobs/research-repository.ts';
import { backtestSettingsSchema, resolveBacktestSettings } from '../settings/backtest-settings.ts';
import {
  DAY_MS,
  Id,
  IdParams,
  Instant,
  iso,
  routeGuards,
  security,
  STRATEGY_SCOPES,
  VersionParams,
} from './route-shapes.ts';
import { assertFeedData, rangeOf, sandboxWithinTier, SandboxRequest } from './run-checks.ts';
import {
  ADJUST_MODES,
  ApiKeyScope,
  DataVersionSchema,
  GateResponseSchema,
  GateOverrideResponseSchema,
  SYMBOL_PATTERN,
  SymbolSchema,
} from '@tickline/protocol';

const TAGS = ['research'];

/** `BTC-USDT:1m`: the feed a gate verdict is asked for. */
const GATE_FEED = new RegExp(`^${SYMBOL_PATTERN}:(?:${ALL_INTERVALS.join('|')})$`);
const gateFeed = (text: string) => {
  const [symbol, interval] = text.split(':') as [string, string];
  return { symbol, interval };
};

const FeedRequest = z
  .object({
    symbol: SymbolSchema,
    interval: z.enum(ALL_INTERVALS as [string, ...string[]]),
    exchange: z.string().min(1).max(32).optional(),
  })
  .strict();

const Common = {
  strategyId: Id,
  version: z.number().int().min(1).max(1_000_000).optional().describe('Default: the latest version.'),
  feeds: z.array(FeedRequest).min(1).max(8).describe('The first feed drives windows and cut points.'),
  from: Instant,
  to: Instant,
  params: z.record(z.string(), z.unknown()).default({}),
  settings: backtestSettingsSchema.optional(),
  sandbox: SandboxRequest,
  adjust: z
    .enum(ADJUST_MODES)
    .default('none')
    .describe('Candles raw (`none`) or adjusted for splits (`split`) or splits and dividends (`total`), as a backtest reads them.'),
};
const COMMON_KEYS = Object.keys(Common);
type CommonOutput = { [K in keyof typeof Common]: z.output<(typeof Common)[K]> };

/** The request: the common members plus one research kind's own (see ResearchSpecSchema). */
const ResearchBody = z.discriminatedUnion(
  'kind',
  ResearchSpecSchema.options.map((o) => o.extend(Common)) as unknown as [
    (typeof ResearchSpecSchema.options)[0],
    ...(typeof ResearchSpecSchema.options)[number][],
  ],
);

const EstimateJson = z
  .object({
    trials: z.number(),
    windows: z.number(),
    barSteps: z.number(),
    cpuSeconds: z.number(),
    seconds: z.number(),
    memoryMb: z.number(),
    summary: z.string(),
  })
  .describe(
    'The preflight estimate: trials, bar-steps, CPU and wall seconds on an idle server, most memory held.',
  );

type ResearchBodyOutput = z.output<typeof ResearchBody> & CommonOutput;

const ResearchRunJson = z.object({
  id: z.string(),
  strategyId: z.string(),
  version: z.number(),
  kind: z.string(),
  status: z.string(),
  progress: z.number(),
  feeds: z.array(z.object({ symbol: z.string(), interval: z.string(), exchange: z.string().optional() })),
  from: z.string(),
  to: z.string(),
  spec: z.record(z.string(), z.unknown()),
  estimate: EstimateJson.nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export function researchJson(r: ResearchRecord) {
  const q = r.request as unknown as ResearchRequest;
  return {
    id: r.id,
    strategyId: r.strategyId,
    version: r.version,
    kind: r.kind,
    status: r.status,
    progress: r.progress,
    feeds: q.feeds,
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    spec: q.spec as unknown as Record<string, unknown>,
    estimate: q.estimate ?? null,
    error: r.error,
    createdAt: r.createdAt.toISOString(),
    startedAt: iso(r.startedAt),
    finishedAt: iso(r.finishedAt),
  };
}

/** STRATEGY_CONFIG_INVALID when the range cannot hold one in-sample plus one out-of-sample window. */
function assertWindowsFit(spec: ResearchSpec, interval: CandleInterval, from: number, to: number): void {
  if (spec.kind !== 'walk-forward') return;
  const bars = Math.floor((to - from) / INTERVAL_MS[interval]);
  if (spec.warmupBars + spec.inSampleBars + spec.outSampleBars > bars) {
    throw new TicklineError(
      'STRATEGY_CONFIG_INVALID',
      `the range holds about ${bars} bars, fewer than ${spec.warmupBars > 0 ? 'the warm-up plus ' : ''}one in-sample plus one out-of-sample window`,
      {
        details: {
          bars,
          inSampleBars: spec.inSampleBars,
          outSampleBars: spec.outSampleBars,
          warmupBars: spec.warmupBars,
        },
      },
    );
  }
}

/** Bars each feed's range holds at most (each within the tier's per-run bound). */
function barsOf(
  feeds: ReadonlyArray<{ interval: CandleInterval }>,
  from: number,
  to: number,
  maxBars: number,
): number[] {
  return feeds.map((f) => Math.min(maxBars, Math.floor((to - from) / INTERVAL_MS[f.interval])));
}

export function registerResearchRoutes(root: FastifyInstance, host: StrategyHost): void {
  const { repository, research, researchQueue, gate } = host;
  const { guarded, tierLimits } = routeGuards(host);
  const app = root.withTypeProvider<ZodTypeProvider>();

  /**
   * Every check of a research request that reads no candles (spec, range, windows, tier limits,
   * the version and its parameters) and the job's estimate against the tier's bounds on one job.
   */
  const preflight = async (principal: Principal, body: ResearchBodyOutput) => {
    const specInput = Object.fromEntries(Object.entries(body).filter(([k]) => !COMMON_KEYS.includes(k)));
    const spec = ResearchSpecSchema.parse(specInput);
    const { from, to } = rangeOf(body.from, body.to);
    const feeds = body.feeds.map((f) => ({ ...f, interval: f.interval as CandleInterval }));
    const limits = tierLimits(principal);
    const bars = barsOf(feeds, from, to, limits.maxBarsPerRun);
    validateSpec(spec, bars[0]);
    assertWindowsFit(spec, feeds[0]!.interval, from, to);
    const sandbox = sandboxWithinTier(principal, body.sandbox, limits);
    const version = await repository.getVersion(principal.userId, body.strategyId, body.version);
    const params = resolveParams(version.params, body.params);
    const settings = body.settings ?? {};
    resolveBacktestSettings(settings);
    const estimate: ResearchEstimate = estimateResearch(spec, {
      bars,
      concurrency: host.settings.workers,
      trialMemoryMb: sandbox.memoryMb,
    });
    const budget = host.settings.research.tiers[principal.tier];
    return { spec, from, to, feeds, limits, sandbox, version, params, settings, estimate, budget, body };
  };

  app.post(
    '/research/estimate',
    {
      ...guarded(STRATEGY_SCOPES.run),
      schema: {
        summary: 'What a research run would cost, without queueing it',
        description:
          'The same body as POST /research and the same checks except the data: answers the estimate ("N bar-steps, ≈ T s, ≤ M MB"), the tier\'s bounds on one job and whether the job is within them. Nothing is queued or counted against a quota.',
        tags: TAGS,
        security,
        body: ResearchBody,
        response: {
          200: z.object({
            estimate: EstimateJson,
            limits: z.object({
              maxTrialsPerJob: z.number(),
              maxBarStepsPerJob: z.number(),
              cpuMsPerJob: z.number(),
              wallMsPerJob: z.number(),
            }),
            withinTier: z.boolean(),
            refusal: z.object({ code: z.string(), message: z.string() }).nullable(),
          }),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { estimate, budget } = await preflight(principal, request.body as ResearchBodyOutput);
      let refusal: { code: string; message: string } | null = null;
      try {
        assertWithinTier(estimate, budget, principal.tier);
      } catch (error) {
        if (!(error instanceof TicklineError)) throw error;
        refusal = { code: error.code, message: error.message };
      }
      return { estimate, limits: budget, withinTier: refusal === null, refusal };
    },
  );

  app.post(
    '/research',
    {
      ...guarded(STRATEGY_SCOPES.run),
      schema: {
        summary: 'Queue a research run: look-ahead check, walk-forward or parameter search',
        description:
          'Answers 202 with the run and its preflight `estimate` ("N bar-steps, ≈ T s, ≤ M MB"; POST /research/estimate gives it without queueing); poll `GET /research/{id}` for `progress` and the report. 400 STRATEGY_CONFIG_INVALID for a grid above 1,000 sets, windows longer than the range, shorter than 30 in-sample or 10 out-of-sample bars, overlapping out of sample, more than 200 of them, or a window shorter than `warmupBars`; 403 STRATEGY_RESEARCH_TOO_LARGE when the estimate is above the tier\'s bounds on one job (trials, bar-steps, CPU); 429 STRATEGY_QUOTA_RESEARCH / STRATEGY_QUOTA_RESEARCH_CONCURRENT at the tier limits.',
        tags: TAGS,
        security,
        body: ResearchBody,
        response: { 202: z.object({ research: ResearchRunJson }) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const checked = await preflight(principal, request.body as ResearchBodyOutput);
      assertWithinTier(checked.estimate, checked.budget, principal.tier);
      const { spec, feeds, from, to, params, settings, sandbox, limits, version, body } = checked;
      for (const f of feeds) await assertFeedData(host, { ...f, from, to });
      const now = host.clock.now();
      const dayStart = Math.floor(now / DAY_MS) * DAY_MS;
      const stored: ResearchRequest = {
        feeds,
        from,
        to,
        params,
        settings,
        spec,
        sandbox,
        maxBars: limits.maxBarsPerRun,
        userConcurrency: limits.concurrentJobs,
        budget: checked.budget,
        estimate: checked.estimate,
        adjust: body.adjust,
        // Pinned as a backtest pins it: the report records the data version its candles were read as of.
        dataVersion: await latestDataVersion(host.reads),
      };
      const created = await research.create(
        {
          id: uuidv7(),
          userId: principal.userId,
          strategyId: body.strategyId,
          version: version.version,
          kind: spec.kind,
          request: stored as unknown as Record<string, unknown>,
          now: new Date(now),
        },
        {
          since: new Date(dayStart),
          perDay: principal.limits.backtestsPerDay,
          concurrent: limits.concurrentJobs,
        },
      );
      if ('exceeded' in created && created.exceeded === 'perDay') {
        reply.header('retry-after', String(Math.ceil((dayStart + DAY_MS - now) / 1000)));
        throw new TicklineError(
          'STRATEGY_QUOTA_RESEARCH',
          `the ${principal.tier} tier runs ${principal.limits.backtestsPerDay} research jobs per day`,
          {
            details: {
              limit: principal.limits.backtestsPerDay,
              resetAt: new Date(dayStart + DAY_MS).toISOString(),
            },
          },
        );
      }
      if ('exceeded' in created) {
        throw new TicklineError(
          'STRATEGY_QUOTA_RESEARCH_CONCURRENT',
          `the ${principal.tier} tier allows ${limits.concurrentJobs} research runs at once`,
          { details: { limit: limits.concurrentJobs, active: created.active } },
        );
      }
      researchQueue.enqueue(created.run);
      reply.status(202);
      return { research: researchJson(created.run) };
    },
  );

  app.get(
    '/research',
    {
      ...guarded(STRATEGY_SCOPES.read),
      schema: {
        summary: 'Your research runs, newest first',
        tags: TAGS,
        security,
        querystring: z.object({
          strategyId: Id.optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: { 200: z.object({ research: z.array(ResearchRunJson) }) },
      },
    },
    async (request) => {
      const { strategyId, limit } = request.query;
      const runs = await research.list(principalOf(request).userId, limit, strategyId);
      return { research: runs.map(researchJson) };
    },
  );

  app.get(
    '/research/:id',
    {
      ...guarded(STRATEGY_SCOPES.read),
      schema: {
        summary: 'A research run: its status and progress, and its report once it succeeded',
        description:
          'Every report has `overfitting.deflatedSharpe` (Bailey & López de Prado 2014) and `overfitting.pbo` (CSCV; null with one trial). See docs/research.md.',
        tags: TAGS,
        security,
        params: IdParams,
        response: {
          200: z.object({
            research: ResearchRunJson,
            report: z.unknown(),
            changedSince: z
              .array(DataVersionSchema)
              .describe("Data versions after the one the report's candles were read as of (`report.data`) that changed them."),
          }),
        },
      },
    },
    async (request) => {
      const userId = principalOf(request).userId;
      const run = await research.get(userId, request.params.id);
      const report = run.status === 'succeeded' ? await research.report(userId, run.id) : null;
      // What the report read, and the data versions that changed it since (a changed report says so).
      const data = (report as { data?: RunData } | null)?.data;
      return { research: researchJson(run), report, changedSince: data ? await changedSince(host.reads, data) : [] };
    },
  );

  app.post(
    '/research/:id/cancel',
    {
      ...guarded(STRATEGY_SCOPES.run),
      schema: {
        summary: 'Cancel a queued or running research run',
        description: '409 STRATEGY_RUN_FINISHED once it ended.',
        tags: TAGS,
        security,
        params: IdParams,
        response: { 202: z.object({ research: ResearchRunJson }) },
      },
    },
    async (request, reply) => {
      const run = await researchQueue.cancel(principalOf(request).userId, request.params.id);
      reply.status(202);
      return { research: researchJson(run) };
    },
  );

  app.get(
    '/strategies/:id/versions/:n/gate',
    {
      ...guarded(STRATEGY_SCOPES.read),
      schema: {
        summary: "The promotion gate's verdict on a version",
        description:
          '`allowed` says whether the version may run live now: the gate is not required for your tier, a look-ahead and a walk-forward report on it passed every threshold, or an admin overrode it. `checks` give each value and its limit.',
        tags: TAGS,
        security,
        params: VersionParams,
        querystring: z.object({
          feed: z
            .string()
            .regex(GATE_FEED, 'expected SYMBOL:interval, e.g. BTC-USDT:1m')
            .optional()
            .describe(
              'SYMBOL:interval (BTC-USDT:1m): the verdict for a live run on that feed, from the reports that researched it. Without it, over every report of the version.',
            ),
        }),
        response: { 200: GateResponseSchema },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { id, n } = request.params;
      await repository.getVersion(principal.userId, id, n);
      const { feed } = request.query;
      const feeds = feed === undefined ? undefined : [gateFeed(feed)];
      return { gate: await gate.status(principal.userId, principal.tier, id, n, feeds) };
    },
  );

  app.post(
    '/strategies/:id/versions/:n/gate/overrides',
    {
      ...guarded(ApiKeyScope.Admin),
      schema: {
        summary: 'Override the promotion gate for a version (admins)',
        description:
          'Recorded with the admin and the reason (the audit record) and logged. 403 AUTH_FORBIDDEN for non-admins.',
        tags: TAGS,
        security,
        params: VersionParams,
        body: z.object({ reason: z.string().trim().min(10).max(500) }).strict(),
        response: { 201: GateOverrideResponseSchema },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      requireAdmin(principal);
      const { id, n } = request.params;
      reply.status(201);
      return { override: await gate.override(principal.userId, id, n, request.body.reason) };
    },
  );
}
