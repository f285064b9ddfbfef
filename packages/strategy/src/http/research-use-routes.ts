/**
 * @module "Use this set": `POST /research/{id}/use` takes one parameter set of a succeeded
 * walk-forward or parameter search (by rank, 1 the best) and, in one request, saves it as the
 * strategy's next version (the same code, the set as its parameters' defaults) or queues a
 * backtest of it on the research's feeds and range. Every check runs before anything is written.
 */
import { principalOf, requireScope, type Principal } from '@tickline/identity';
import { TicklineError } from '@tickline/kernel';
import { SavedVersionSchema } from '@tickline/protocol';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { resolveParams, type ParamSpecs } from '../core/definition.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import type { ResearchRequest } from '../research-jobs/research-queue.ts';
import type { ResearchRecord } from '../research-jobs/research-repository.ts';
import type { SearchTrial } from '../research/parameter-search.ts';
import { QueueBacktestBody, type StrategyActions } from './strategy-actions.ts';
import { IdParams, routeGuards, runJson, security, STRATEGY_SCOPES, versionJson } from './route-shapes.ts';

const UseBody = z
  .object({
    rank: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(1)
      .describe("The set's place in the report's ranking by its objective: 1 is the best."),
    as: z
      .enum(['version', 'backtest'])
      .describe(
        "`version`: save the set as the next version (needs strategies:write); `backtest`: queue a backtest of it on the research's feeds and range.",
      ),
  })
  .strict();

const BacktestJson = z.object({ id: z.string(), status: z.string() }).loose();

/** The set at `rank` of a succeeded run's report, over the run's fixed parameters. */
async function chosenSet(host: StrategyHost, userId: string, run: ResearchRecord, rank: number) {
  const none = (why: string, details: Record<string, unknown>) =>
    new TicklineError('STRATEGY_RESEARCH_NO_SETS', why, { details });
  if (run.status !== 'succeeded')
    throw none(`research ${run.id} is ${run.status}: it has no sets to use yet`, { status: run.status });
  const report = await host.research.report(userId, run.id);
  const trials: SearchTrial[] = report !== null && 'search' in report ? report.search.trials : [];
  if (trials.length === 0)
    throw none('a look-ahead check has no parameter sets; use a walk-forward or parameter search', {
      kind: run.kind,
    });
  const trial = trials[rank - 1];
  if (trial === undefined)
    throw none(`the report lists ${trials.length} sets; rank ${rank} is not one of them`, {
      rank,
      sets: trials.length,
    });
  const request = run.request as unknown as ResearchRequest;
  return { trial, params: { ...request.params, ...trial.params }, request };
}

/** `specs` with each named parameter's default replaced by `values`' (already checked by resolveParams). */
const withDefaults = (specs: ParamSpecs, values: Record<string, unknown>): ParamSpecs =>
  Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [name, { ...spec, default: values[name] }]),
  ) as ParamSpecs;

export function registerResearchUseRoutes(
  root: FastifyInstance,
  host: StrategyHost,
  actions: StrategyActions,
): void {
  const { guarded } = routeGuards(host);
  const app = root.withTypeProvider<ZodTypeProvider>();

  const saveAsVersion = async (
    principal: Principal,
    run: ResearchRecord,
    params: Record<string, unknown>,
  ) => {
    requireScope(principal, STRATEGY_SCOPES.write);
    const from = await host.repository.getVersion(principal.userId, run.strategyId, run.version);
    // Checked against the researched version's declarations before anything is written.
    const values = resolveParams(from.params, params);
    return host.repository.saveVersion({
      userId: principal.userId,
      strategyId: run.strategyId,
      source: from.source,
      js: from.js,
      language: from.language,
      params: withDefaults(from.params, values),
      now: new Date(host.clock.now()),
      quota: actions.codeQuota(principal),
    });
  };

  const queueBacktest = async (
    principal: Principal,
    run: ResearchRecord,
    request: ResearchRequest,
    params: Record<string, unknown>,
  ) => {
    const [first, ...rest] = request.feeds;
    // Through the backtest body's own schema: its defaults, and the same checks POST /backtests makes.
    const body = QueueBacktestBody.parse({
      strategyId: run.strategyId,
      version: run.version,
      symbol: first!.symbol,
      interval: first!.interval,
      ...(first!.exchange === undefined ? {} : { exchange: first!.exchange }),
      ...(rest.length > 0 ? { feeds: rest } : {}),
      from: request.from,
      to: request.to,
      params,
      settings: request.settings,
    });
    return actions.queueBacktest(principal, body);
  };

  app.post(
    '/research/:id/use',
    {
      ...guarded(STRATEGY_SCOPES.run),
      schema: {
        summary: 'Use one parameter set of a research report: as a new version or a backtest',
        description:
          "`as: version` saves the researched version's code as the strategy's next version with the set (over the run's fixed parameters) as its parameters' defaults: backtests and live runs of it use them unless told otherwise; it passes the promotion gate on its own research. `as: backtest` queues a backtest of the set on the research's feeds, range and settings (202 semantics: poll `GET /backtests/{id}`). 409 STRATEGY_RESEARCH_NO_SETS while the run has not succeeded, for a look-ahead check, or past the listed sets; 403 AUTH_FORBIDDEN for a version without strategies:write; the tier's version and backtest quotas apply.",
        tags: ['research'],
        security,
        params: IdParams,
        body: UseBody,
        response: {
          201: z.object({
            params: z.record(z.string(), z.unknown()),
            rank: z.number(),
            version: SavedVersionSchema.shape.version.optional(),
            backtest: BacktestJson.optional(),
          }),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const run = await host.research.get(principal.userId, request.params.id);
      const { rank, as } = request.body;
      const { params, request: stored } = await chosenSet(host, principal.userId, run, rank);
      reply.status(201);
      if (as === 'version') {
        const version = await saveAsVersion(principal, run, params);
        return { params, rank, version: versionJson(version) };
      }
      const backtest = await queueBacktest(principal, run, stored, params);
      return { params, rank, backtest: runJson(backtest) };
    },
  );
}
