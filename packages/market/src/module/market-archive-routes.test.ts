/**
 * The archive tier through the routes in-process (issue 49): after a month is archived the
 * candles API answers as before, `GET /markets/archive` (admin only) lists the file and the size
 * saved, and a damaged or missing file is an error with its code, never other candles.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isTicklineError,
  listErrorCodes,
  TicklineError,
  type Caller,
  type RequestAuth,
} from '@tickline/kernel';
import { createPgliteSql, loadMigrationSets, migrate, MIGRATIONS_DIR, type Sql } from '@tickline/store';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveOldCandles } from '../archive/archive-candles.ts';
import { MARKET_MIGRATIONS_DIR } from '../config.ts';
import type { Candle } from '../port/market-message.ts';
import { upsertCandles } from '../storage/candle-writes.ts';
import { touchSymbolsByCandles } from '../storage/symbol-writes.ts';
import { marketRoutes } from './market-routes.ts';
import { testMarketView } from './market-view.test-support.ts';

const HOUR = 3_600_000;
const JAN = Date.UTC(2026, 0, 1);
const FEB = Date.UTC(2026, 1, 1);
const NOW = Date.UTC(2026, 4, 15);

const hourly = (openTime: number): Candle => {
  const close = 60_000 + Math.cos(openTime / HOUR / 5) * 321.123;
  return {
    exchange: 'sim',
    symbol: 'BTC-USDT',
    interval: '1h',
    openTime,
    closeTime: openTime + HOUR,
    open: close - 3.5,
    high: close + 10.25,
    low: close - 11.75,
    close,
    volume: 1.5,
    quoteVolume: close * 1.5,
    trades: 9,
    incomplete: false,
    revision: 0,
  };
};

/** Requests name their role in `x-role`; `admin` passes the admin check. */
const auth: RequestAuth<FastifyRequest> = {
  authenticate: async (request) => {
    if (request.headers['x-role'] === undefined) throw new TicklineError('AUTH_UNAUTHENTICATED', 'sign in');
  },
  caller: (request) => ({ userId: 'u', role: request.headers['x-role'] as Caller['role'], kind: 'user' }),
  admin(request) {
    if (request.headers['x-role'] !== 'admin') throw new TicklineError('AUTH_FORBIDDEN', 'admins only');
    return this.caller(request);
  },
  authorize: async () => undefined,
};
const STATUS: Record<string, number> = { AUTH_UNAUTHENTICATED: 401, AUTH_FORBIDDEN: 403 };

describe('market routes - the archive tier', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tickline-archive-routes-'));
  let sql: Sql;
  let app: FastifyInstance;

  beforeAll(async () => {
    sql = await createPgliteSql({ memory: true });
    await migrate(sql, { migrations: await loadMigrationSets([MIGRATIONS_DIR, MARKET_MIGRATIONS_DIR]) });
    const candles: Candle[] = [];
    for (let t = JAN - 24 * HOUR; t < FEB + 24 * HOUR; t += HOUR) candles.push(hourly(t));
    await sql.transaction(async (tx) => {
      await upsertCandles(
        tx,
        candles.map((candle) => ({ candle, closed: true })),
      );
      await touchSymbolsByCandles(tx, candles);
    });
    app = Fastify({ logger: false });
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    app.setErrorHandler(async (error, _request, reply) => {
      if (Array.isArray((error as { validation?: unknown }).validation))
        return reply
          .status(400)
          .send({ error: { code: 'HTTP_BAD_REQUEST', message: (error as Error).message } });
      if (!isTicklineError(error)) throw error;
      const status =
        STATUS[error.code] ?? listErrorCodes().find((c) => c.code === error.code)?.httpStatus ?? 500;
      return reply.status(status).send({ error: { code: error.code, message: error.message } });
    });
    const view = {
      ...testMarketView(sql),
      archive: { enabled: true, afterDays: 90, afterMs: 90 * 24 * HOUR, dir },
    };
    await app.register(marketRoutes({ view, auth, symbols: [], corporateActions: undefined }), {
      prefix: '/api/v1',
    });
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await sql?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (url: string, role?: 'admin' | 'user') =>
    app.inject({ method: 'GET', url: `/api/v1${url}`, headers: role ? { 'x-role': role } : {} });
  const january = `/markets/BTC-USDT/candles?interval=1h&from=${JAN - 2 * HOUR}&to=${FEB + 2 * HOUR}&limit=5000`;

  it('routes - candles read the same after archiving; the archive lists the file and the size saved', async () => {
    const before = await call(january);
    expect(before.statusCode).toBe(200);
    expect(before.json().candles).toHaveLength(31 * 24 + 4);
    expect((await call('/markets/archive', 'admin')).json().totals.files).toBe(0);

    const archived = await archiveOldCandles(sql, NOW, { dir, afterMs: 90 * 24 * HOUR });
    // February ended less than 90 days before mid-May: it stays in SQL, and the read spans both.
    expect(archived.files.map((f) => f.month)).toEqual(['2025-12', '2026-01']);

    const after = await call(january);
    expect(after.json()).toEqual(before.json());
    expect((await call('/markets/archive', 'user')).statusCode).toBe(403);
    const listed = await call('/markets/archive?symbol=BTC-USDT&limit=1', 'admin');
    expect(listed.statusCode).toBe(200);
    const body = listed.json();
    expect(body).toMatchObject({ enabled: true, afterDays: 90, dir });
    expect(body.totals).toMatchObject({
      files: 2,
      rows: archived.rows,
      sqlBytes: archived.sqlBytes,
      fileBytes: archived.fileBytes,
    });
    expect(body.totals.savedBytes).toBe(archived.sqlBytes - archived.fileBytes);
    expect(body.files).toEqual([
      expect.objectContaining({ month: '2026-01', symbol: 'BTC-USDT', interval: '1h', rows: 31 * 24 }),
    ]);
    expect((await call('/markets/archive?limit=0', 'admin')).statusCode).toBe(400);
  });

  it('routes - a damaged file is a 500 MARKET_ARCHIVE_FILE_CORRUPT, a missing one a 503 MARKET_ARCHIVE_FILE_MISSING', async () => {
    const { files } = (await call('/markets/archive', 'admin')).json<{
      files: Array<{ month: string; file: string }>;
    }>();
    const jan = files.find((f) => f.month === '2026-01')!;
    const bytes = await readFile(jan.file);
    await writeFile(jan.file, bytes.subarray(0, bytes.length - 1));
    const corrupt = await call(january);
    expect(corrupt.statusCode).toBe(500);
    expect(corrupt.json().error.code).toBe('MARKET_ARCHIVE_FILE_CORRUPT');
    await rm(jan.file);
    const missing = await call(january);
    expect(missing.statusCode).toBe(503);
    expect(missing.json().error.code).toBe('MARKET_ARCHIVE_FILE_MISSING');
  });
});
