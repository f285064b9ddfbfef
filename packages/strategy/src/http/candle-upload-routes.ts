/**
 * @module The upload routes under `/api/v1` (`/history/uploads…`): a venue kline CSV (Binance's
 * layout) sent in line-aligned chunks while the server runs. Admins only: the candle tables are
 * every user's history, so one user's file would change everyone's backtests. A chunk is a small
 * JSON request (its own body cap, below the gateway's forwarding cap), so an upload passes any
 * gateway and a dropped connection costs one chunk: GET the upload and resume at its `rows`.
 * DELETE takes an upload's candles out again (the imported history is kept until then).
 */
import { principalOf, requireAdmin } from '@tickline/identity';
import { uuidv7 } from '@tickline/kernel';
import { ALL_INTERVALS, type CandleInterval } from '@tickline/market';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { CandleUpload } from '../history/candle-uploads.ts';
import type { StrategyHost } from '../module/strategy-host.ts';
import { Id, IdParams, routeGuards, security } from './route-shapes.ts';
import { ApiKeyScope, NoContentSchema, SymbolSchema } from '@tickline/protocol';

const TAGS = ['history'];
/** CSV text per chunk: about 4,000 kline lines. */
export const UPLOAD_CHUNK_MAX_CHARS = 512 * 1024;
/** The chunk route's body cap: the CSV text plus JSON escaping and the offset. */
const CHUNK_BODY_LIMIT = UPLOAD_CHUNK_MAX_CHARS + 64 * 1024;

const UploadJson = z.object({
  id: z.string(),
  symbol: z.string(),
  interval: z.string(),
  exchange: z.string(),
  name: z.string().nullable(),
  totalBytes: z.number().nullable(),
  receivedBytes: z.number(),
  rows: z.number().describe('CSV lines applied: the `offset` of the next chunk.'),
  candles: z.number(),
  from: z.string().nullable(),
  to: z.string().nullable().describe('Open time of the last candle.'),
  status: z.enum(['receiving', 'complete']),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const UploadResponse = z.object({ upload: UploadJson });

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function uploadJson(u: CandleUpload): z.infer<typeof UploadJson> {
  return {
    id: u.id,
    symbol: u.symbol,
    interval: u.interval,
    exchange: u.exchange,
    name: u.name,
    totalBytes: u.totalBytes,
    receivedBytes: u.receivedBytes,
    rows: u.rows,
    candles: u.candles,
    from: isoOrNull(u.firstOpen),
    to: isoOrNull(u.lastOpen),
    status: u.status,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

export function registerCandleUploadRoutes(root: FastifyInstance, host: StrategyHost): void {
  const { uploads, clock } = host;
  const { guarded } = routeGuards(host);
  const app = root.withTypeProvider<ZodTypeProvider>();
  const admin = guarded(ApiKeyScope.Admin);
  const adminId = (request: Parameters<typeof principalOf>[0]): string => {
    const principal = principalOf(request);
    requireAdmin(principal);
    return principal.userId;
  };

  app.post(
    '/history/uploads',
    {
      ...admin,
      schema: {
        summary: 'Start a kline CSV upload (admins)',
        description:
          "Then send the file's lines in chunks to `/history/uploads/{id}/chunks`. The layout is Binance's kline CSV (data.binance.vision): open time, open, high, low, close, volume, close time, quote volume, trades, … — a header line is skipped.",
        tags: TAGS,
        security,
        body: z
          .object({
            symbol: SymbolSchema,
            interval: z.enum(ALL_INTERVALS as [string, ...string[]]),
            exchange: z
              .string()
              .regex(/^[a-z0-9-]{1,32}$/)
              .default('binance'),
            name: z.string().max(200).optional(),
            totalBytes: z.number().int().nonnegative().optional().describe('The file size, for progress.'),
          })
          .strict(),
        response: { 201: UploadResponse },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const upload = await uploads.create({
        id: uuidv7(),
        userId: adminId(request),
        symbol: body.symbol,
        interval: body.interval as CandleInterval,
        exchange: body.exchange,
        name: body.name,
        totalBytes: body.totalBytes,
        now: new Date(clock.now()),
      });
      reply.status(201);
      return { upload: uploadJson(upload) };
    },
  );

  app.get(
    '/history/uploads',
    {
      ...admin,
      schema: {
        summary: 'Your uploads, newest first (admins)',
        tags: TAGS,
        security,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ uploads: z.array(UploadJson) }) },
      },
    },
    async (request) => ({
      uploads: (await uploads.list(adminId(request), request.query.limit)).map(uploadJson),
    }),
  );

  app.get(
    '/history/uploads/:id',
    {
      ...admin,
      schema: {
        summary: 'An upload: lines applied (where to resume), bytes received, candles stored (admins)',
        tags: TAGS,
        security,
        params: IdParams,
        response: { 200: UploadResponse },
      },
    },
    async (request) => ({ upload: uploadJson(await uploads.get(adminId(request), request.params.id)) }),
  );

  app.post(
    '/history/uploads/:id/chunks',
    {
      ...admin,
      bodyLimit: CHUNK_BODY_LIMIT,
      schema: {
        summary: 'Send lines of the CSV, starting at line `offset` (admins)',
        description:
          'Whole lines only, at most 512 KiB of text. Parsed before anything is stored: 400 MARKET_CSV_ROW_INVALID names the first bad line and stores nothing; 409 STRATEGY_UPLOAD_OFFSET when `offset` is past the lines received (resume at `details.rows`); 413 HTTP_PAYLOAD_TOO_LARGE above the cap. Sending a chunk again is harmless. The candles are kept as imported history, whatever their age: the candle retention (`market.retention.candlesMs`) applies to recorded candles only, and a recorded candle with the same key wins on reads.',
        tags: TAGS,
        security,
        params: IdParams,
        body: z
          .object({
            offset: z.number().int().nonnegative().describe('0-based line of the file the chunk starts at.'),
            csv: z.string().max(UPLOAD_CHUNK_MAX_CHARS),
          })
          .strict(),
        response: { 200: UploadResponse },
      },
    },
    async (request) => {
      const { offset, csv } = request.body;
      const upload = await uploads.applyChunk(
        adminId(request),
        request.params.id,
        offset,
        csv,
        new Date(clock.now()),
      );
      return { upload: uploadJson(upload) };
    },
  );

  app.post(
    '/history/uploads/:id/complete',
    {
      ...admin,
      schema: {
        summary: 'Mark an upload complete (admins)',
        tags: TAGS,
        security,
        params: z.object({ id: Id }),
        response: { 200: UploadResponse },
      },
    },
    async (request) => ({
      upload: uploadJson(await uploads.complete(adminId(request), request.params.id, new Date(clock.now()))),
    }),
  );

  app.delete(
    '/history/uploads/:id',
    {
      ...admin,
      schema: {
        summary: 'Delete an upload and the candles it stored (admins)',
        description:
          "In one transaction: the imported candles this upload wrote last (a candle a later upload wrote again is that upload's) and the upload itself. Recorded candles are not touched. 404 STRATEGY_UPLOAD_NOT_FOUND for an unknown upload or another admin's.",
        tags: TAGS,
        security,
        params: IdParams,
        response: { 204: NoContentSchema },
      },
    },
    async (request, reply) => {
      await uploads.delete(adminId(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
