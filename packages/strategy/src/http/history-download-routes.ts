/**
 * @module The download routes under `/api/v1` (`/history/downloads…`): any signed-in user asks
 * for a venue's klines (Binance, Coinbase, Upbit; a share's from Alpaca or KIS through the
 * configured source's account) over a range, within the tier's daily
 * venue-day quota. The candles are everyone's once fetched (see history/history-downloads.ts), so
 * asking again for held days is free; asking again for a failed download resumes it.
 */
import { principalOf } from '@tickline/identity';
import { isTicklineError, TicklineError } from '@tickline/kernel';
import {
  ApiKeyScope,
  HistoryDownloadRequestSchema,
  HistoryDownloadSchema,
  HistorySeriesSchema,
} from '@tickline/protocol';
import { INTERVAL_MS, isCandleInterval } from '@tickline/market';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { StrategyHost } from '../module/strategy-host.ts';
import { downloadJson, heldSeries } from '../history/history-download-rows.ts';
import { IdParams, routeGuards, security } from './route-shapes.ts';

const TAGS = ['history'];
const DownloadResponse = z.object({ download: HistoryDownloadSchema });

export function registerHistoryDownloadRoutes(root: FastifyInstance, host: StrategyHost): void {
  const { downloads } = host;
  const { guarded } = routeGuards(host);
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/history/downloads',
    {
      ...guarded(ApiKeyScope.BacktestsRun),
      schema: {
        summary: "Download a venue's klines into the shared history",
        description:
          "Fetches the range's UTC days from the venue's public REST API (its paging; a 429's Retry-After waited out) one day at a time, stored once for every user. 202 with the download; progress (`history.download.progress`) and the end (`history.download.completed`) arrive on `user:{id}`. Days already held cost nothing: a range that is all held answers 200, complete, with no venue call. The same range asked again resumes a failed download. 429 STRATEGY_DOWNLOAD_QUOTA past the tier's venue days per UTC day; 400 STRATEGY_DOWNLOAD_RANGE for an empty, future or too long range. Shares: `alpaca` serves US shares (AAPL.US) from minute bars cut by the NYSE sessions, `kis` KRX shares (005930.KS) in daily bars only (1d), each through the account of the configured source of that kind (409 MARKET_VENUE_NO_ACCOUNT without one); a day with no session makes no venue call. 400 STRATEGY_DOWNLOAD_VENUE for a symbol or interval the venue does not serve.",
        tags: TAGS,
        security,
        body: HistoryDownloadRequestSchema.strict(),
        response: { 200: DownloadResponse, 202: DownloadResponse },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      try {
        const download = await downloads.request({
          userId: principal.userId,
          tier: principal.tier,
          venue: body.venue,
          symbol: body.symbol,
          interval: body.interval,
          fromMs: Date.parse(body.from),
          toMs: Date.parse(body.to),
        });
        reply.status(download.status === 'complete' ? 200 : 202);
        return { download: downloadJson(download) };
      } catch (error) {
        if (isTicklineError(error) && error.code === 'STRATEGY_DOWNLOAD_QUOTA') {
          const seconds = (error.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
          if (seconds !== undefined) reply.header('retry-after', String(seconds));
        }
        throw error;
      }
    },
  );

  app.get(
    '/history/downloads',
    {
      ...guarded(ApiKeyScope.StrategiesRead),
      schema: {
        summary: 'Your history downloads, newest first',
        tags: TAGS,
        security,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ downloads: z.array(HistoryDownloadSchema) }) },
      },
    },
    async (request) => ({
      downloads: (await downloads.list(principalOf(request).userId, request.query.limit)).map(downloadJson),
    }),
  );

  app.get(
    '/history/downloads/:id',
    {
      ...guarded(ApiKeyScope.StrategiesRead),
      schema: {
        summary: 'A history download: days done, venue days and calls it cost, candles held',
        tags: TAGS,
        security,
        params: IdParams,
        response: { 200: DownloadResponse },
      },
    },
    async (request) => {
      const download = await downloads.get(principalOf(request).userId, request.params.id);
      if (!download)
        throw new TicklineError('STRATEGY_DOWNLOAD_NOT_FOUND', `no download ${request.params.id}`);
      return { download: downloadJson(download) };
    },
  );

  app.get(
    '/history/series',
    {
      ...guarded(ApiKeyScope.StrategiesRead),
      schema: {
        summary: 'The history held, per venue, symbol and interval, most candles first',
        description:
          "Downloads, uploads and the shipped history together: what a backtest or research run can read. The dashboard's forms open on the first.",
        tags: TAGS,
        security,
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ series: z.array(HistorySeriesSchema) }) },
      },
    },
    async (request) => ({
      series: (await heldSeries(host.sql, request.query.limit)).map((s) => ({
        venue: s.exchange,
        symbol: s.symbol,
        interval: s.interval,
        from: new Date(s.firstOpen).toISOString(),
        to: new Date(s.lastOpen + (isCandleInterval(s.interval) ? INTERVAL_MS[s.interval] : 0)).toISOString(),
        candles: s.candles,
      })),
    }),
  );
}
