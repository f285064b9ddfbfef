/**
 * @module Client order ids are idempotency keys: the same decision always yields the same id, so a
 * strategy process that restarts (or a second process that takes its strategies over) and decides
 * again on the same candle places nothing new — the venue, or the paper broker, answers with the
 * order it already has. Ids are hashed because venues cap their length (Binance: 36 characters of
 * `[.A-Z:/a-z0-9_-]`) and a UUID strategy id alone is already 36.
 */
import { createHash } from 'node:crypto';

/** Hash characters kept: 32 base64url characters are 192 bits, far past any collision worry. */
const HASH_CHARS = 32;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, HASH_CHARS);
}

/** What identifies one order decision of a strategy run. */
export interface StrategyOrderKey {
  strategyId: string;
  version: number;
  /** Epoch ms of the close of the candle the strategy decided on. */
  candleCloseTime: number;
  /** The order's position among the orders placed on that candle (0, 1, …). @default 0 */
  leg?: number;
}

/** `s` + hash(strategy, version, candle close, leg): 33 characters. */
export function strategyClientOrderId(key: StrategyOrderKey): string {
  return `s${digest(`${key.strategyId}|${key.version}|${key.candleCloseTime}|${key.leg ?? 0}`)}`;
}

/**
 * `m` + hash(user, key) for a manual order; `idempotencyKey` is what the client sent (an
 * `Idempotency-Key` header), so a retried HTTP request does not place a second order.
 */
export function manualClientOrderId(userId: string, idempotencyKey: string): string {
  return `m${digest(`${userId}|${idempotencyKey}`)}`;
}

/**
 * The client order id prefix of a live run's force exits: `x` + hash(run) + `-` (14 characters).
 * A force exit is the owner's order, not the strategy's, yet it closes the run's position: a run
 * rebuilt from the journal (a restart, a takeover) finds its exits by this prefix.
 */
export function forceExitPrefix(runId: string): string {
  return `x${digest(runId).slice(0, 12)}-`;
}

/** A force exit of run `runId`: its prefix + hash(user, key) — 36 characters, idempotent per key. */
export function forceExitClientOrderId(runId: string, userId: string, idempotencyKey: string): string {
  return `${forceExitPrefix(runId)}${digest(`${userId}|${idempotencyKey}`).slice(0, 22)}`;
}
