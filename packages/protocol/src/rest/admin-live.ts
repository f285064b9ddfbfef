/**
 * @module Live strategies in the operations API (`/api/v1/admin/live-strategies`) and the
 * request/reply contract behind it: every `strategy` process answers the service
 * {@link LIVE_ADMIN_SERVICE} with its runs (and pauses one it runs); the operations API gathers
 * the answers, so the list covers every process, not only the one serving the request. Times are
 * epoch milliseconds; CPU times are milliseconds.
 */
import { z } from 'zod';
import { LiveRunStateSchema } from './live.ts';

/** The request/reply service every strategy process serves (its first segment names the role). */
export const LIVE_ADMIN_SERVICE = 'strategy.live';

/** The reason an admin pause carries when the admin gives none. */
export const DEFAULT_ADMIN_PAUSE_REASON = 'paused by an administrator';

const RunId = z.string().min(1).max(200);
const Reason = z.string().min(1).max(200);

const PortfolioId = z.string().min(1).max(100);

/**
 * What the operations API asks a strategy process, and what one strategy process asks the others
 * of a portfolio's state they hold in memory: its live runs and its working orders at the paper
 * venue live where they were placed, so an engaged kill switch and a cancel reach every process.
 */
export const LiveAdminRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('list') }),
  z.object({ op: z.literal('pause'), id: RunId, reason: Reason }),
  z.object({
    op: z.literal('kill-switch'),
    portfolioId: PortfolioId,
    actor: z.enum(['user', 'admin']),
    engagement: z.object({ by: z.string().min(1).max(100), at: z.number(), reason: Reason }),
  }),
  z.object({
    op: z.literal('cancel'),
    portfolioId: PortfolioId,
    clientOrderId: z.string().min(1).max(36),
    symbol: z.string().min(1).max(40),
    reason: Reason,
  }),
]);

const IncidentSchema = z.object({ code: z.string(), reason: z.string(), at: z.number() });

/** A live run as an operator sees it. */
export const AdminLiveRunSchema = z.object({
  id: z.string(),
  strategyId: z.string(),
  strategyName: z.string().optional().describe('The strategy’s name, when the process knows it'),
  version: z.number(),
  userId: z.string(),
  portfolioId: z.string(),
  state: LiveRunStateSchema,
  pause: IncidentSchema.optional(),
  candles: z.number(),
  signals: z.number(),
  lastCandleTime: z.number().optional(),
  cpuMs: z.number().describe('CPU time the strategy used since it started on this process, warm-up included'),
  errors: z.int().describe('Failures since it started here: it threw, or went over its CPU or memory limit'),
  lastError: IncidentSchema.optional(),
});

/** One strategy process and the runs it holds. */
export const StrategyProcessSchema = z.object({
  /** The runner's member name (host and port, or `trading.live.member`). */
  member: z.string(),
  pid: z.int(),
  cpuMs: z.number().describe('CPU time the whole process used (user and system)'),
  runs: z.array(AdminLiveRunSchema),
});

export const AdminLiveStrategiesSchema = z.object({ processes: z.array(StrategyProcessSchema) });
export const AdminPauseLiveBodySchema = z.object({ reason: Reason.default(DEFAULT_ADMIN_PAUSE_REASON) });
export const AdminLivePausedSchema = z.object({ member: z.string(), run: AdminLiveRunSchema });

export type LiveAdminRequest = z.infer<typeof LiveAdminRequestSchema>;
export type AdminLiveRun = z.infer<typeof AdminLiveRunSchema>;
export type StrategyProcess = z.infer<typeof StrategyProcessSchema>;
export type AdminLiveStrategies = z.infer<typeof AdminLiveStrategiesSchema>;
export type AdminLivePaused = z.infer<typeof AdminLivePausedSchema>;
