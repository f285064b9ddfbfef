/**
 * @module Strategies, backtests and research runs (scopes as REST's strategy routes: reading needs
 * strategies:read, saving a version strategies:write, queueing or cancelling backtests:run). Reads
 * go to the routes' repositories, changes to their actions; every relation of a page — versions
 * and backtests of strategies, the strategy and result of backtests, the report of research runs —
 * is one batched read per request.
 */
import {
  drawdownOf,
  QueueBacktestBody,
  researchJson,
  runJson,
  SaveVersionBody,
  STRATEGY_SCOPES,
  strategyJson,
  versionJson,
  type ResearchRecord,
  type RunRecord,
  type StoredResult,
  type StrategyRecord,
  type VersionInfo,
} from '@tickline/strategy';
import { optionalPortOf, portOf, principalOf } from '../caller.ts';
import { connectionOf, type ConnectionArgs } from '../connection.ts';
import { optionalUuidArgument, uuidArgument } from '../ids.ts';
import type { GraphqlServices, StrategyPort } from '../services.ts';
import { given, groupBy, type Context, type LoaderMap, type ResolverMap } from './types.ts';

/** Backtests listed at most, as `GET /backtests` (and what a strategy's backtests page over). */
const RUNS_LISTED = 200;

/** A strategy as answered: REST's JSON, and its owner for the loaders. */
export interface StrategyNode extends ReturnType<typeof strategyJson> {
  userId: string;
}
/** A backtest as answered: REST's JSON, and its owner for the loaders. */
export interface BacktestNode extends ReturnType<typeof runJson> {
  userId: string;
}
interface ResearchNode extends ReturnType<typeof researchJson> {
  userId: string;
}

export const strategyNode = (s: StrategyRecord): StrategyNode => ({ ...strategyJson(s), userId: s.userId });
const backtestNode = (r: RunRecord): BacktestNode => ({ ...runJson(r), userId: r.userId });
const researchNode = (r: ResearchRecord): ResearchNode => ({ ...researchJson(r), userId: r.userId });
const versionNode = (v: VersionInfo) => versionJson(v);

/** REST's `from`/`to` take ISO 8601 or epoch ms; GraphQL carries both as a string. */
const instant = (value: unknown) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

function resultNode(result: StoredResult) {
  const { drawdown, ...metrics } = result.metrics;
  return {
    metrics: { ...metrics, maxDrawdown: drawdown.maxDrawdown, drawdown },
    bars: result.bars,
    tradesTruncated: result.tradesTruncated,
    logs: result.logs,
    trades: result.trades,
    equity: result.equity,
    drawdown: drawdownOf(result.equity),
  };
}

/**
 * The strategies of many owners' items (runs, backtests), one read per owner. Admins may see
 * other users' runs: each item's strategy is read as its owner's.
 */
export async function strategiesFor(
  port: StrategyPort | undefined,
  items: ReadonlyArray<{ userId: string; strategyId: string }>,
): Promise<Array<StrategyNode | null>> {
  if (port === undefined) return items.map(() => null);
  const found = new Map<string, StrategyNode>();
  for (const [userId, owned] of groupBy(items, (i) => i.userId)) {
    const strategies = await port.repository.strategiesOf(userId, [
      ...new Set(owned.map((i) => i.strategyId)),
    ]);
    for (const [id, s] of strategies) found.set(`${userId}/${id}`, strategyNode(s));
  }
  return items.map((i) => found.get(`${i.userId}/${i.strategyId}`) ?? null);
}

export function strategyResolvers(services: GraphqlServices): ResolverMap {
  const port = (field: string, context: Context) => portOf(services, context, 'strategies', field);
  const reader = async (field: string, context: Context) => {
    const strategies = port(field, context);
    return { strategies, principal: await principalOf(strategies, context, STRATEGY_SCOPES.read) };
  };
  return {
    Query: {
      async strategies(_root: unknown, args: ConnectionArgs, context: Context) {
        const { strategies, principal } = await reader('strategies', context);
        return connectionOf(
          (await strategies.repository.listStrategies(principal.userId)).map(strategyNode),
          args,
        );
      },
      async strategy(_root: unknown, args: { id: string }, context: Context) {
        const id = uuidArgument('id', args.id);
        const { strategies, principal } = await reader('strategy', context);
        return strategyNode(await strategies.repository.getStrategy(principal.userId, id));
      },
      async backtests(
        _root: unknown,
        args: ConnectionArgs & { strategyId?: string | null },
        context: Context,
      ) {
        const strategyId = optionalUuidArgument('strategyId', args.strategyId);
        const { strategies, principal } = await reader('backtests', context);
        const runs = await strategies.repository.listRuns(principal.userId, RUNS_LISTED);
        const chosen = strategyId ? runs.filter((r) => r.strategyId === strategyId) : runs;
        return connectionOf(chosen.map(backtestNode), args);
      },
      async backtest(_root: unknown, args: { id: string }, context: Context) {
        const id = uuidArgument('id', args.id);
        const { strategies, principal } = await reader('backtest', context);
        return backtestNode(await strategies.repository.getRun(principal.userId, id));
      },
      async researchRuns(
        _root: unknown,
        args: ConnectionArgs & { strategyId?: string | null },
        context: Context,
      ) {
        const strategyId = optionalUuidArgument('strategyId', args.strategyId);
        const { strategies, principal } = await reader('researchRuns', context);
        const runs = await strategies.research.list(principal.userId, RUNS_LISTED, strategyId);
        return connectionOf(runs.map(researchNode), args);
      },
      async researchRun(_root: unknown, args: { id: string }, context: Context) {
        const id = uuidArgument('id', args.id);
        const { strategies, principal } = await reader('researchRun', context);
        return researchNode(await strategies.research.get(principal.userId, id));
      },
    },
    Mutation: {
      async createStrategyVersion(
        _root: unknown,
        args: { strategyId: string; source: string; language?: string | null },
        context: Context,
      ) {
        const strategies = port('createStrategyVersion', context);
        const principal = await principalOf(strategies, context, STRATEGY_SCOPES.write);
        const strategyId = uuidArgument('strategyId', args.strategyId);
        const body = SaveVersionBody.parse(given({ source: args.source, language: args.language }));
        return versionNode(await strategies.actions.saveVersion(principal, strategyId, body));
      },
      async queueBacktest(_root: unknown, args: { input: Record<string, unknown> }, context: Context) {
        const strategies = port('queueBacktest', context);
        const principal = await principalOf(strategies, context, STRATEGY_SCOPES.run);
        const input = given(args.input);
        const body = QueueBacktestBody.parse({ ...input, from: instant(input.from), to: instant(input.to) });
        return backtestNode(await strategies.actions.queueBacktest(principal, body));
      },
      async cancelBacktest(_root: unknown, args: { id: string }, context: Context) {
        const strategies = port('cancelBacktest', context);
        const principal = await principalOf(strategies, context, STRATEGY_SCOPES.run);
        return backtestNode(await strategies.cancelBacktest(principal.userId, uuidArgument('id', args.id)));
      },
    },
    BacktestResult: {
      trades: (result: { trades: unknown[] }, args: ConnectionArgs) => connectionOf(result.trades, args),
    },
  };
}

export function strategyLoaders(services: GraphqlServices): LoaderMap {
  const port = (context: Context) => portOf(services, context, 'strategies', 'strategies');
  return {
    Strategy: {
      // One statement for a page of strategies' versions (their owner's only).
      async versions(queries: ReadonlyArray<{ obj: StrategyNode }>, context: Context) {
        const found = new Map<string, VersionInfo[]>();
        for (const [userId, owned] of groupBy(queries, (q) => q.obj.userId))
          for (const [id, versions] of await port(context).repository.listVersionsOf(
            userId,
            owned.map((q) => q.obj.id),
          ))
            found.set(id, versions);
        return queries.map(({ obj }) => (found.get(obj.id) ?? []).map(versionNode));
      },
      // One read of the owner's latest runs for a page of strategies, as `GET /backtests` lists them.
      async backtests(
        queries: ReadonlyArray<{ obj: StrategyNode; params: ConnectionArgs }>,
        context: Context,
      ) {
        const byUser = new Map<string, RunRecord[]>();
        for (const userId of new Set(queries.map((q) => q.obj.userId)))
          byUser.set(userId, await port(context).repository.listRuns(userId, RUNS_LISTED));
        return queries.map(({ obj, params }) =>
          connectionOf(
            (byUser.get(obj.userId) ?? []).filter((r) => r.strategyId === obj.id).map(backtestNode),
            params,
          ),
        );
      },
    },
    Backtest: {
      strategy: (queries: ReadonlyArray<{ obj: BacktestNode }>, context: Context) =>
        strategiesFor(
          optionalPortOf(services, context, 'strategies'),
          queries.map((q) => q.obj),
        ),
      // Results of a page of succeeded backtests in one statement; null for the others.
      async result(queries: ReadonlyArray<{ obj: BacktestNode }>, context: Context) {
        const found = new Map<string, StoredResult>();
        const succeeded = queries.filter((q) => q.obj.status === 'succeeded');
        for (const [userId, owned] of groupBy(succeeded, (q) => q.obj.userId))
          for (const [id, result] of await port(context).repository.resultsOf(
            userId,
            owned.map((q) => q.obj.id),
          ))
            found.set(id, result);
        return queries.map(({ obj }) => {
          const result = found.get(obj.id);
          return result === undefined ? null : resultNode(result);
        });
      },
    },
    ResearchRun: {
      strategy: (queries: ReadonlyArray<{ obj: ResearchNode }>, context: Context) =>
        strategiesFor(
          optionalPortOf(services, context, 'strategies'),
          queries.map((q) => q.obj),
        ),
      async report(queries: ReadonlyArray<{ obj: ResearchNode }>, context: Context) {
        const found = new Map<string, unknown>();
        const succeeded = queries.filter((q) => q.obj.status === 'succeeded');
        for (const [userId, owned] of groupBy(succeeded, (q) => q.obj.userId))
          for (const [id, report] of await port(context).research.reportsOf(
            userId,
            owned.map((q) => q.obj.id),
          ))
            found.set(id, report);
        return queries.map(({ obj }) => found.get(obj.id) ?? null);
      },
    },
  };
}
