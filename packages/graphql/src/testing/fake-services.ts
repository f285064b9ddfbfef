/**
 * @module Small stand-ins for the domains' ports in GraphQL's route tests, each counting its reads
 * so a test can show what one query costs. Identity's authentication follows REST's contract:
 * `Authorization: Bearer <userId>` signs a user in (`admin` is an admin); `X-API-Key:
 * <userId>|<scope,scope>` is a key with those scopes.
 */
import { IdentityError, type Principal } from '@tickline/identity';
import type { Caller, RequestAuth } from '@tickline/kernel';
import { type RunRecord, type StrategyRecord, type VersionInfo } from '@tickline/strategy';
import { createLiveActions, type LiveRoutesOptions } from '@tickline/trading';
import type { FastifyRequest } from 'fastify';
import type {
  MarketPort,
  NotificationsPort,
  OperationsPort,
  StrategyPort,
  TickerView,
  TradingPort,
} from '../schema/services.ts';

/** The caller the headers name, or undefined without credentials. */
export function callerFromHeaders(request: FastifyRequest): Caller | undefined {
  const bearer = request.headers.authorization?.replace(/^Bearer /, '');
  const key = request.headers['x-api-key'];
  const limits = { maxStreamConnections: 2 };
  if (bearer) return { userId: bearer, role: bearer === 'admin' ? 'admin' : 'user', kind: 'user', limits };
  if (typeof key === 'string') {
    const [userId = '', scopes = ''] = key.split('|');
    return {
      userId,
      role: userId === 'admin' ? 'admin' : 'user',
      kind: 'api_key',
      scopes: scopes.split(','),
      limits,
    };
  }
  return undefined;
}

function forbidden(scope: string): IdentityError {
  return new IdentityError('AUTH_FORBIDDEN', `requires scope ${scope}`, { details: { required: scope } });
}

export function fakeAuth(): RequestAuth<FastifyRequest> & { authentications: number } {
  const callers = new WeakMap<FastifyRequest, Caller>();
  const auth = {
    authentications: 0,
    async authenticate(request: FastifyRequest) {
      auth.authentications++;
      const caller = callerFromHeaders(request);
      if (caller === undefined) throw new IdentityError('AUTH_UNAUTHENTICATED', 'credentials required');
      callers.set(request, caller);
    },
    caller(request: FastifyRequest, scope?: string) {
      const caller = callers.get(request)!;
      if (scope && caller.scopes && !caller.scopes.includes(scope)) throw forbidden(scope);
      return caller;
    },
    admin(request: FastifyRequest) {
      const caller = callers.get(request)!;
      if (caller.role !== 'admin' || (caller.scopes && !caller.scopes.includes('admin')))
        throw forbidden('admin');
      return caller;
    },
    // The transport route is public: the resolvers check callers and scopes.
    async authorize() {},
  };
  return auth;
}

/** Identity's principal of the headers, with a scope check, as strategy's guarded routes do. */
export async function fakePrincipal(request: FastifyRequest, scope: string): Promise<Principal> {
  const caller = callerFromHeaders(request);
  if (caller === undefined) throw new IdentityError('AUTH_UNAUTHENTICATED', 'credentials required');
  if (caller.scopes && !caller.scopes.includes(scope)) throw forbidden(scope);
  return {
    kind: caller.kind === 'api_key' ? 'api_key' : 'user',
    userId: caller.userId,
    role: caller.role,
    tier: 'free',
    limits: {} as Principal['limits'],
    scopes: caller.scopes ?? null,
  };
}

/** Live trading's real actions over `options`, authenticated by the headers with REST's scopes. */
export function fakeTrading(options: LiveRoutesOptions): TradingPort {
  return {
    async authenticate(request, scope) {
      const caller = callerFromHeaders(request);
      if (caller === undefined) throw new IdentityError('AUTH_UNAUTHENTICATED', 'credentials required');
      if (caller.scopes && !caller.scopes.includes(scope)) throw forbidden(scope);
      return { userId: caller.userId, admin: caller.role === 'admin' };
    },
    portfoliosOf: (userId) => options.portfoliosOf(userId),
    actions: createLiveActions(options),
  };
}

export const CREATED = new Date('2026-01-01T00:00:00Z');

/** The id of fake backtest `i`: a UUID, as the store's ids are (GraphQL checks them). */
export const fakeRunId = (i: number) => `0190b5f4-0000-7000-8000-${String(i).padStart(12, '0')}`;

/**
 * Strategies `s0…s{count-1}` of every user, two versions each, one succeeded backtest each, whose
 * result holds `logLines` lines of 100 characters (none by default).
 */
export function fakeStrategies(state: { count: number; logLines?: number }) {
  const reads = { list: 0, versionsOf: 0, strategiesOf: 0, runs: 0, results: 0, gets: 0 };
  const strategy = (userId: string, i: number): StrategyRecord => ({
    id: `s${i}`,
    userId,
    name: `strategy ${i}`,
    description: '',
    latestVersion: 2,
    createdAt: CREATED,
    updatedAt: CREATED,
  });
  const version = (strategyId: string, n: number): VersionInfo => ({
    strategyId,
    version: n,
    language: 'typescript',
    params: {},
    keyId: 'k1',
    sourceSha256: 'ab',
    sizeBytes: 10,
    createdAt: CREATED,
  });
  const run = (userId: string, i: number): RunRecord => ({
    id: fakeRunId(i),
    userId,
    strategyId: `s${i}`,
    version: 1,
    status: 'succeeded',
    request: { symbol: 'BTC-USD', interval: '1h', from: 0, to: 3_600_000, params: {}, settings: {} },
    progress: 1,
    error: null,
    createdAt: CREATED,
    startedAt: CREATED,
    finishedAt: CREATED,
  });
  const all = (userId: string) => Array.from({ length: state.count }, (_, i) => strategy(userId, i));
  const port: StrategyPort = {
    repository: {
      async listStrategies(userId) {
        reads.list++;
        return all(userId);
      },
      async getStrategy(userId, id) {
        const found = all(userId).find((s) => s.id === id);
        if (!found) throw Object.assign(new Error('no strategy'), { code: 'STRATEGY_NOT_FOUND' });
        return found;
      },
      async strategiesOf(userId, ids) {
        reads.strategiesOf++;
        return new Map(
          all(userId)
            .filter((s) => ids.includes(s.id))
            .map((s) => [s.id, s]),
        );
      },
      async listVersionsOf(_userId, ids) {
        reads.versionsOf++;
        return new Map(ids.map((id) => [id, [version(id, 1), version(id, 2)]]));
      },
      async listRuns(userId) {
        reads.runs++;
        return Array.from({ length: state.count }, (_, i) => run(userId, i));
      },
      async getRun(userId, id) {
        reads.gets++;
        return run(userId, Number(id.slice(-12)));
      },
      async resultsOf(_userId, ids) {
        reads.results++;
        const metrics = { totalReturn: 0.1, drawdown: { maxDrawdown: -0.05 } } as never;
        return new Map(
          ids.map((id) => [
            id,
            {
              metrics,
              trades: [],
              tradesTruncated: false,
              equity: [
                [0, 100],
                [1, 90],
              ],
              logs: Array.from({ length: state.logLines ?? 0 }, (_, i) => ({
                time: i,
                text: 'x'.repeat(100),
              })),
              plots: [],
              bars: 2,
            },
          ]),
        );
      },
    },
    actions: {
      principal: fakePrincipal,
      async saveVersion(_principal, strategyId, body) {
        return { ...version(strategyId, 3), language: body.language };
      },
      async queueBacktest(principal, body) {
        return { ...run(principal.userId, 0), status: 'queued', strategyId: body.strategyId };
      },
    },
    async cancelBacktest(userId, id) {
      return { ...run(userId, Number(id.slice(-12))), status: 'cancelled' };
    },
    research: {
      list: async () => [],
      get: async () => {
        throw new Error('no research');
      },
      reportsOf: async () => new Map(),
    },
  };
  return { port, reads };
}

/** Markets BTC-USD, ETH-USD, SOL-USD with tickers from memory. */
export function fakeMarket() {
  const reads = { markets: 0, tickers: 0 };
  const symbols = ['BTC-USD', 'ETH-USD', 'SOL-USD'];
  const ticker = (symbol: string): TickerView => ({ symbol, last: null, stats24h: null });
  const port: MarketPort = {
    async markets() {
      reads.markets++;
      return symbols.map((symbol) => ({
        symbol,
        exchanges: ['sim'],
        configured: true,
        lastPrice: null,
        lastTradeAt: null,
        listing: null,
        session: { state: 'always-open' as const },
      }));
    },
    async ticker(symbol) {
      if (!symbols.includes(symbol))
        throw Object.assign(new Error(`no market ${symbol}`), { code: 'MARKET_SYMBOL_NOT_FOUND' });
      return ticker(symbol);
    },
    async tickers(wanted) {
      reads.tickers++;
      return new Map(wanted.filter((s) => symbols.includes(s)).map((s) => [s, ticker(s)]));
    },
    candles: async (symbol, query) => ({ symbol, interval: query.interval, candles: [] }),
    indicator: async (symbol, query) => ({
      symbol,
      name: query.name,
      interval: query.interval,
      params: {},
      points: [],
    }),
  };
  return { port, reads };
}

/** An inbox of `count` entries for everyone. */
export function fakeNotifications(count = 3): NotificationsPort & { read: string[] } {
  const id = (i: number) => `0190b5f4-0000-7000-8000-${String(i).padStart(12, '0')}`;
  const read: string[] = [];
  return {
    read,
    async inbox(_actor, options) {
      const items = Array.from({ length: count }, (_, i) => ({
        id: id(count - i),
        kind: 'system',
        title: `entry ${count - i}`,
        body: '',
        data: {},
        createdAt: CREATED.toISOString(),
        readAt: null,
      }));
      const start = options.before ? items.findIndex((item) => item.id === options.before) + 1 : 0;
      const page = items.slice(start, start + options.limit);
      const more = start + page.length < items.length;
      return { items: page, nextCursor: more ? page.at(-1)!.id : null, unread: count - read.length };
    },
    async markRead(_actor, entry) {
      read.push(entry);
    },
    markAllRead: async () => count,
    rules: async () => ({ kinds: [], channels: [], rules: [], settings: {} as never }),
  };
}

export function fakeOperations(): OperationsPort {
  return {
    zones: async () => [
      { zoneId: 'zone-1', ccu: 2, tick: 10, tickP50Ms: 1, tickP99Ms: 2, overruns: 0, health: 'ok' },
    ],
    searchPlayers: async () => [],
    streams: async () => ({ consumers: [{ name: 'platform', acked: 10, lag: 3 }] }) as never,
  };
}
