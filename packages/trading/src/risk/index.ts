/** @module Pre-trade risk: limits per portfolio, the order-rate window and the kill switch (pure). */
export {
  RiskLimitsSchema,
  RiskLimitName,
  DEFAULT_MAX_ORDERS_PER_MINUTE,
  ORDER_RATE_WINDOW_MS,
} from './risk-limits.ts';
export { checkOrder } from './check-order.ts';
export { ordersInWindow, recordOrderTime } from './order-rate.ts';
export {
  KillSwitchActor,
  KILL_SWITCH_OFF,
  isKillSwitchEngaged,
  engageKillSwitch,
  releaseKillSwitch,
  ordersToCancel,
} from './kill-switch.ts';
export { InMemoryRiskControls, RiskAuditAction } from './risk-controls.ts';
export { SqlRiskControls } from './sql-risk-controls.ts';
export type { RiskLimits } from './risk-limits.ts';
export type { RiskControls, RiskChange, RiskAuditEntry, StoredRiskControls } from './risk-controls.ts';
export type { RiskOrder, RiskSnapshot, RiskDecision } from './check-order.ts';
export type { KillSwitchState, KillSwitchEngagement } from './kill-switch.ts';
