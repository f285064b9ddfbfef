/**
 * @module The live-trading routes over real in-memory parts for SDK and route tests: the core
 * portfolio ledger, the paper broker at a settable last price, the order desk with an in-memory
 * journal, and a live runner whose strategies load from a map. The caller is the `x-api-key`
 * header's value (`user:<id>`), or the same as a Bearer credential, so a test can act as two
 * users without identity.
 */
import { createEventSource, ManualClock, type EventEnvelope } from '@tickline/kernel';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { InMemoryOrderJournal } from '../broker/order-journal.ts';
import { OrderDesk } from '../broker/order-desk.ts';
import { orderEnvelope, orderEventSourceName } from '../broker/order-envelope.ts';
import { resolveBacktestSettings, type StrategyDefinition } from '@tickline/strategy/internal';
import { LiveRunner } from '../live/live-runner.ts';
import { InMemoryHaltStore } from '../halt/halt-store.ts';
import { haltRoutes } from '../live-http/halt-routes.ts';
import { liveRoutes, type LiveRoutesOptions } from '../live-http/live-routes.ts';
import { coreFillModel } from '../paper/core-fill-model.ts';
import { createPaperBroker } from '../paper/paper-broker.ts';
import { LedgerRiskView } from '../portfolio/ledger-risk-view.ts';
import { CorePortfolioLedger } from '../portfolio/portfolio-ledger.ts';
import type { RiskControls } from '../risk/risk-controls.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { answerCodedErrors } from './coded-error-handler.ts';

const MINUTE_MS = 60_000;

export interface LiveTestAppOptions {
  /** Portfolio id → owner user id; each opens with `openingCash`. */
  portfolios: Record<string, string>;
  openingCash?: number;
  /** Symbol → last trade price (what a market order fills at). */
  prices: Record<string, number>;
  /** `strategyId@version` → definition; any other version does not exist. */
  strategies?: Record<string, StrategyDefinition>;
  /** @default 1 */
  maxLive?: number;
  maxPositionValue?: number;
  /** Where the kill switch and limits are kept (SQL to act as one of several processes); @default in memory */
  controls?: RiskControls;
  /** How long the risk view trusts a read of `controls`. */
  riskTtlMs?: number;
  /** Callers with the admin role. */
  admins?: readonly string[];
  /**
   * `strategyId@version` → the parameter defaults stored with the version (a version saved from a
   * research set); absent: the definition's own.
   */
  versionParams?: Record<string, Record<string, unknown>>;
}

export interface LiveTestApp {
  app: FastifyInstance;
  /** What the routes were registered with (GraphQL's tests bind the same parts). */
  routeOptions: LiveRoutesOptions;
  runner: LiveRunner;
  books: CorePortfolioLedger;
  events: EventEnvelope[];
  /** Moves a symbol's last price (what a market order fills at) and marks positions to it. */
  setPrice(symbol: string, price: number): void;
  /** Feeds the runner the next 1m candle of `symbol`, a minute after the one before, flat at `price` (@default 100). */
  nextCandle(symbol: string, price?: number): Promise<void>;
  /** Enables version 1 of `strategyId` on one 1m feed as `user`, over HTTP. */
  enableRun(
    user: string,
    run: { strategyId: string; portfolioId: string; symbol: string },
  ): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** Builds the app; see the module comment. */
export async function createLiveTestApp(options: LiveTestAppOptions): Promise<LiveTestApp> {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const settings = resolveBacktestSettings({ startingCapital: options.openingCash ?? 10_000 });
  const books = new CorePortfolioLedger();
  for (const id of Object.keys(options.portfolios)) books.open(id, options.openingCash ?? 10_000, []);
  const last = new Map(Object.entries(options.prices));
  const symbols = new Set(last.keys());
  const paper = createPaperBroker({
    fillModel: coreFillModel(settings),
    ledger: books,
    symbols,
    lastPrice: (s) => last.get(s),
    now: () => clock.now(),
  });
  const limits = RiskLimitsSchema.parse(
    options.maxPositionValue === undefined ? {} : { maxPositionValue: options.maxPositionValue },
  );
  const risk = new LedgerRiskView(books, limits, (s) => last.get(s), {
    ...(options.controls === undefined ? {} : { controls: options.controls }),
    ...(options.riskTtlMs === undefined ? {} : { ttlMs: options.riskTtlMs }),
  });
  const journal = new InMemoryOrderJournal();
  const events: EventEnvelope[] = [];
  const source = createEventSource({ source: orderEventSourceName('paper'), clock });
  // The desk reports to the runner, which needs the desk: the runner is set right below.
  const late: { runner?: LiveRunner } = {};
  const desk = new OrderDesk({
    broker: paper,
    journal,
    portfolios: risk,
    clock,
    emit: (e) => {
      late.runner?.onOrderEvent(e);
      events.push(orderEnvelope(source, e));
    },
  });
  const strategies = options.strategies ?? {};
  const runner = (late.runner = new LiveRunner({
    desk,
    paper,
    books,
    risk,
    load: async (id, version) => {
      const definition = strategies[`${id}@${version}`];
      if (definition === undefined) throw new Error(`no strategy ${id}@${version}`);
      return definition;
    },
    history: async () => [],
    publish: (e) => events.push(e),
    source: createEventSource({ source: 'strategy/live', clock }),
    clock,
  }));
  const app = Fastify();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  answerCodedErrors(app);
  const routeOptions: LiveRoutesOptions = {
    runner,
    desk,
    journal,
    books,
    risk,
    authenticate: async (request) => {
      // `Bearer user:<id>` too, as the CLI sends its credential.
      const bearer = request.headers.authorization?.replace(/^Bearer /, '');
      const key = request.headers['x-api-key'] ?? bearer;
      if (typeof key !== 'string' || !key.startsWith('user:'))
        throw Object.assign(new Error('who?'), { statusCode: 401, code: 'AUTH_UNAUTHENTICATED' });
      const userId = key.slice('user:'.length);
      return { userId, admin: options.admins?.includes(userId) ?? false };
    },
    ownerOf: async (id) => options.portfolios[id],
    portfoliosOf: async (user) =>
      Object.entries(options.portfolios)
        .filter(([, owner]) => owner === user)
        .map(([id]) => id),
    versionExists: async (_user, strategyId, version) => `${strategyId}@${version}` in strategies,
    paramDefaults: async (_user, strategyId, version) =>
      options.versionParams?.[`${strategyId}@${version}`] ?? {},
    maxLive: async () => options.maxLive ?? 1,
    settings: () => settings,
    symbols,
  };
  await app.register(liveRoutes, { prefix: '/api/v1', ...routeOptions });
  await app.register(haltRoutes, {
    prefix: '/api/v1',
    ...routeOptions,
    haltStore: new InMemoryHaltStore(),
    now: () => clock.now(),
  });
  let lastCloseTime = clock.now();
  return {
    app,
    routeOptions,
    runner,
    books,
    events,
    setPrice(symbol, price) {
      last.set(symbol, price);
      books.mark(symbol, price, clock.now());
    },
    async nextCandle(symbol, price = 100) {
      lastCloseTime += MINUTE_MS;
      await runner.onCandle({
        symbol,
        interval: '1m',
        openTime: lastCloseTime - MINUTE_MS,
        closeTime: lastCloseTime,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: 1,
      });
    },
    enableRun: (user, { strategyId, portfolioId, symbol }) =>
      app.inject({
        method: 'POST',
        url: '/api/v1/live-strategies',
        headers: { 'x-api-key': `user:${user}` },
        payload: { strategyId, version: 1, portfolioId, feeds: [{ symbol, interval: '1m' }] },
      }),
    close: () => app.close(),
  };
}
