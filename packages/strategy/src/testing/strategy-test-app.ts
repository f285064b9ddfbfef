/**
 * @module A strategy API over real PGlite for route tests: store migrations and 0007, identity
 * with its SQL repository, the real strategy host and queue, candles stored through the market
 * projection, the server's error shape, and the published events kept in an array. A module
 * built on the strategy host (trading's test app: live runs) joins through `extend`.
 */
import { randomBytes } from 'node:crypto';
import {
  createArgon2Hasher,
  createIdentityService,
  createSqlIdentityRepository,
  identityRoutes,
} from '@tickline/identity';
import type { IdentityService, TierOverrides } from '@tickline/identity';
import {
  createMetricsRegistry,
  isTicklineError,
  listErrorCodes,
  silentLogger,
  systemClock,
} from '@tickline/kernel';
import type { EventEnvelope, Service } from '@tickline/kernel';
import type { Candle, HistoryVenueAccounts } from '@tickline/market';
import { createPgliteSql, type Sql } from '@tickline/store';
import { migrateForStrategy } from './strategy-migrations.ts';
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { storeClosedCandles } from '../module/candle-feed.ts';
import { createStrategyHost, type StrategyHost } from '../module/strategy-host.ts';
import { StrategySettingsSchema, type StrategySettings } from '../module/strategy-settings.ts';
import { strategyRoutes } from '../http/strategy-routes.ts';
import { strategyModule } from '../module/strategy-module.ts';
import { createInMemoryEventLog, type EventLog } from '@tickline/eventlog';
import { encodeEvent } from '@tickline/kernel';

export const HOUR = 3_600_000;
/** 2026-01-01 00:00 UTC: the first stored candle. */
export const T0 = Date.UTC(2026, 0, 1);

/** `count` hourly closed candles with a slow wave, so an SMA crossover trades. */
export function waveCandles(symbol: string, count: number, exchange = 'binance'): Candle[] {
  return Array.from({ length: count }, (_, i) => {
    const close = 100 + 20 * Math.sin(i / 15) + i * 0.01;
    const open = 100 + 20 * Math.sin((i - 1) / 15) + (i - 1) * 0.01;
    return {
      exchange,
      symbol,
      interval: '1h' as const,
      openTime: T0 + i * HOUR,
      closeTime: T0 + (i + 1) * HOUR,
      open,
      high: Math.max(open, close) + 0.5,
      low: Math.min(open, close) - 0.5,
      close,
      volume: 10,
      quoteVolume: 10 * close,
      trades: 5,
      incomplete: false,
      revision: 0,
    };
  });
}

/** What a module built on the strategy host gets to compose itself. */
export interface TestAppParts {
  sql: Sql;
  identity: IdentityService;
  host: StrategyHost;
  log: EventLog;
  publisher: { publish(event: EventEnvelope): void; flush(timeoutMs: number): Promise<boolean> };
}

/** A module built on the strategy host: its started services and its routes. */
export interface TestAppExtension {
  services: readonly Service[];
  routes?: FastifyPluginAsync;
}

export interface StrategyTestApp<E extends TestAppExtension | undefined = undefined> {
  app: FastifyInstance;
  sql: Sql;
  host: StrategyHost;
  identity: IdentityService;
  events: EventEnvelope[];
  /** What `extend` built. */
  extension: E;
  /** The in-memory log an extension reads and the publisher appends to (with `extend`). */
  log?: EventLog;
  /** Appends events to the log as a producer would (with `extend`). */
  append(events: readonly EventEnvelope[]): Promise<void>;
  /** Signs up a user; returns the bearer header and the user id. */
  user(): Promise<{ auth: { authorization: string }; userId: string; accessToken: string }>;
  /** Signs up a user with the admin role (signed in after the role changed, so the token says so). */
  admin(): Promise<{ auth: { authorization: string }; userId: string; accessToken: string }>;
  close(): Promise<void>;
}

let counter = 0;

/** Options of {@link createStrategyTestApp}. */
export interface StrategyTestAppOptions<E extends TestAppExtension | undefined = undefined> {
  tiers?: TierOverrides;
  settings?: Partial<StrategySettings>;
  candles?: Candle[];
  /** Migrates the database. @default {@link migrateForStrategy} */
  migrate?: (sql: Sql) => Promise<void>;
  /**
   * A module built on the strategy host, composed over an in-memory event log (published events are
   * appended to it): its services start after the host's, its routes beside the strategy routes.
   */
  extend?: (parts: TestAppParts) => E;
  /** Serve identity's routes too (sign-in, API keys, /me): what a CLI's password login talks to. */
  identityRoutes?: boolean;
  /** The share venues' accounts history downloads use (the alpaca and kis mocks'). */
  historyAccounts?: HistoryVenueAccounts;
}

export async function createStrategyTestApp<E extends TestAppExtension | undefined = undefined>(
  options: StrategyTestAppOptions<E> = {},
): Promise<StrategyTestApp<E>> {
  const sql = await createPgliteSql({ memory: true });
  await (options.migrate ?? migrateForStrategy)(sql);
  if (options.candles) await storeClosedCandles(sql, options.candles);
  const identity = createIdentityService({
    clock: systemClock,
    repository: createSqlIdentityRepository(sql),
    tokens: {
      issuer: 'https://tickline.test',
      signing: { algorithm: 'HS256', secret: 'test-secret-that-is-at-least-32-bytes-long' },
    },
    totp: { encryptionKey: randomBytes(32) },
    passwordHasher: createArgon2Hasher({ memoryCostKib: 1024, timeCost: 1 }),
    ...(options.tiers ? { tiers: options.tiers } : {}),
  });
  const events: EventEnvelope[] = [];
  const defaults = StrategySettingsSchema.parse(undefined);
  const settings = {
    ...defaults,
    progressIntervalMs: 50,
    // Tests not about the promotion gate enable live runs without research: the gate is off here
    // unless a test passes `settings.gate` (promotion-gate.int.test.ts).
    gate: { ...defaults.gate, requiredTiers: [] },
    ...options.settings,
  };
  const log = options.extend === undefined ? undefined : createInMemoryEventLog({ name: 'main' });
  const append = async (batch: readonly EventEnvelope[]): Promise<void> => {
    if (log === undefined) throw new Error('createStrategyTestApp: append needs an extension (`extend`)');
    await log.append(
      batch.map((e) => ({ id: e.id, key: e.partitionkey, type: e.type, payload: encodeEvent(e) })),
    );
  };
  const appending = new Set<Promise<void>>();
  const publisher = {
    publish: (e: EventEnvelope) => {
      events.push(e);
      if (log === undefined) return;
      const appended: Promise<void> = append([e]).finally(() => appending.delete(appended));
      appending.add(appended);
    },
    /** Resolves once every event published so far is in the log (as the eventlog publisher's). */
    flush: async (_timeoutMs: number): Promise<boolean> => {
      await Promise.allSettled([...appending]);
      return true;
    },
  };
  const host = createStrategyHost({
    sql,
    identity,
    publisher,
    settings,
    logger: silentLogger,
    metrics: createMetricsRegistry(),
    clock: systemClock,
    historyAccounts: options.historyAccounts,
  });
  const extension = (
    log === undefined ? undefined : options.extend?.({ sql, identity, host, log, publisher })
  ) as E;
  const services = [...host.services, ...(extension?.services ?? [])];
  for (const service of services) await service.start({ logger: silentLogger, fail: () => undefined });

  const app = Fastify({ logger: false });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // The server's error shape (server/http/error-handler.ts), reduced to what these routes raise.
  app.setErrorHandler(async (error, _request, reply) => {
    if (Array.isArray((error as { validation?: unknown }).validation)) {
      return reply
        .status(400)
        .send({ error: { code: 'HTTP_BAD_REQUEST', message: (error as Error).message } });
    }
    if ((error as { statusCode?: number }).statusCode === 413) {
      return reply
        .status(413)
        .send({ error: { code: 'HTTP_PAYLOAD_TOO_LARGE', message: (error as Error).message } });
    }
    if (isTicklineError(error)) {
      const status = listErrorCodes().find((c) => c.code === error.code)?.httpStatus ?? 500;
      const details = (error as { details?: unknown }).details;
      return reply.status(status).send({ error: { code: error.code, message: error.message, details } });
    }
    const e = error as { statusCode?: number; message?: string };
    const status = e.statusCode ?? 500;
    return reply.status(status).send({
      error: { code: status === 413 ? 'HTTP_PAYLOAD_TOO_LARGE' : 'HTTP_ERROR', message: e.message },
    });
  });
  // The module's catalogues are what the error handler above reads (listErrorCodes): loaded with it.
  void strategyModule.errors;
  await app.register(strategyRoutes(host), { prefix: '/api/v1' });
  if (options.identityRoutes) await app.register(identityRoutes, { prefix: '/api/v1', service: identity });
  if (extension?.routes) await app.register(extension.routes, { prefix: '/api/v1' });
  await app.ready();

  return {
    app,
    sql,
    host,
    extension,
    identity,
    events,
    ...(log === undefined ? {} : { log }),
    append,
    async user() {
      const email = `trader${++counter}-${Date.now()}@example.com`;
      const { tokens, user } = await identity.signUp({ email, password: 'correct horse battery staple' });
      return {
        auth: { authorization: `Bearer ${tokens.accessToken}` },
        userId: user.id,
        accessToken: tokens.accessToken,
      };
    },
    async admin() {
      const email = `admin${++counter}-${Date.now()}@example.com`;
      const password = 'correct horse battery staple';
      const { user } = await identity.signUp({ email, password });
      await sql.query("update users set role = 'admin' where id = $1", [user.id]);
      const signedIn = (await identity.signIn({ email, password })) as { tokens: { accessToken: string } };
      const accessToken = signedIn.tokens.accessToken;
      return { auth: { authorization: `Bearer ${accessToken}` }, userId: user.id, accessToken };
    },
    async close() {
      await app.close();
      for (const service of [...services].reverse()) await service.stop();
      await sql.close();
    },
  };
}
