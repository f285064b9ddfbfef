/** @module The live-trading routes (portfolios, manual paper orders, live strategies). */
export { liveRoutes } from './live-routes.ts';
export type { LiveRoutesOptions, LiveCaller } from './live-routes.ts';
export {
  createLiveActions,
  killSwitchView,
  rejectionOf,
  PlaceOrderBody,
  IdempotencyKey,
  LiveSymbol,
} from './live-actions.ts';
export type { LiveActions, OrderRejection, PlaceOrderBodyInput } from './live-actions.ts';
