/** @module The live-trading routes (portfolios, manual paper orders, live strategies). */
export { liveRoutes } from './live-routes.ts';
export type { LiveRoutesOptions, LiveCaller } from './live-routes.ts';
