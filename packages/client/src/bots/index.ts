/**
 * @module Game bots: clients that sign up, join a zone and play over WebSocket or TCP, counting
 * acknowledged, rejected and corrected moves. `tickline bots` drives them for load and soak runs;
 * tests drive them for outage drills. Node only (TCP), hence a subpath of its own.
 */
export { Bot } from './bot.ts';
export { BotStats, botFailures, type BotSummary } from './bot-stats.ts';
export { BotTransport, type BotRunOptions } from './bot-run-options.ts';
