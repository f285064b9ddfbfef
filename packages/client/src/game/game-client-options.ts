/** @module Options of a {@link GameClient}, their defaults, and the one function that resolves them. */
import {
  resolveReconnectOptions,
  type ReconnectOptions,
  type ResolvedReconnectOptions,
} from '../stream/backoff.ts';
import { createWsConnector, type GameConnector } from './connector.ts';
import { DEFAULT_INTERPOLATION_DELAY_TICKS } from './interpolation.ts';
import { DEFAULT_MAX_MESSAGE_BYTES } from '@tickline/protocol';

/** Client ping period: each pong is an RTT sample. */
export const DEFAULT_GAME_PING_INTERVAL_MS = 1000;
/** Silence after which the connection is presumed dead and a resume starts. */
export const DEFAULT_GAME_DEAD_AFTER_MS = 10_000;
/** How long after a drop the client keeps trying to resume its session. */
export const DEFAULT_RESUME_GRACE_MS = 15_000;
/** First resume attempt delay: quick, since the session is waiting on the server. */
const DEFAULT_RESUME_INITIAL_DELAY_MS = 100;
const DEFAULT_RESUME_MAX_DELAY_MS = 2000;

/**
 * A seat for a (re)connect: a token, and the zone's address when it has moved — after a failover
 * or a hand-off the coordinator sends the player to the zone's new process.
 */
export interface GameSeat {
  token: string;
  url: string;
}

/** Options of a {@link GameClient}. */
export interface GameClientOptions {
  /** The zone endpoint from the join answer: `ws://…`/`wss://…`, or `tcp://host:port` with the TCP connector. */
  url: string;
  /**
   * The join token (single-use: a resume then names only the session), or a function returning a
   * fresh one for every connect and resume, so a resume that finds its session gone joins anew.
   * The function may return a {@link GameSeat}: the resume then connects to the zone's address
   * there (join the same zone again through the coordinator to follow a zone that moved).
   */
  token: string | ((resume: boolean) => string | GameSeat | Promise<string | GameSeat>);
  /** How bytes travel. @default createWsConnector() (the global WebSocket) */
  connector?: GameConnector;
  /** @default 1000 */
  pingIntervalMs?: number;
  /** @default 10_000 */
  deadAfterMs?: number;
  /** @default 15_000 */
  resumeGraceMs?: number;
  /** Delays between resume attempts. @default 100 ms doubling to 2 s, jittered */
  reconnect?: ReconnectOptions;
  /** Ticks behind the server that other players are drawn at. @default 2 */
  interpolationDelayTicks?: number;
  /** The largest message accepted from the server. @default 64 KiB */
  maxMessageBytes?: number;
  /**
   * Decode deltas and interpolate other players. Headless bots that never look at others set it
   * false: deltas are then recognised from their first bytes and dropped undecoded, which keeps a
   * load generator with many players in one zone from spending its core on other players' moves.
   * @default true
   */
  trackOthers?: boolean;
  /** Keep the predicted position inside the zone bounds from the welcome. @default true */
  clampToBounds?: boolean;
  /** A monotonic millisecond clock. @default performance.now */
  now?: () => number;
}

export interface ResolvedGameClientOptions {
  url: string;
  /** The token (or seat) for a first connect (`resume` false) or a resume (true). */
  token: (resume: boolean) => string | GameSeat | Promise<string | GameSeat>;
  connector: GameConnector;
  pingIntervalMs: number;
  deadAfterMs: number;
  resumeGraceMs: number;
  reconnect: ResolvedReconnectOptions;
  interpolationDelayTicks: number;
  maxMessageBytes: number;
  trackOthers: boolean;
  clampToBounds: boolean;
  now: () => number;
}

export function resolveGameClientOptions(options: GameClientOptions): ResolvedGameClientOptions {
  const token = options.token;
  return {
    url: options.url,
    // A used string token would only be refused as reused: resume with the session id alone.
    token: typeof token === 'string' ? (resume) => (resume ? '' : token) : token,
    connector: options.connector ?? createWsConnector(),
    pingIntervalMs: options.pingIntervalMs ?? DEFAULT_GAME_PING_INTERVAL_MS,
    deadAfterMs: options.deadAfterMs ?? DEFAULT_GAME_DEAD_AFTER_MS,
    resumeGraceMs: options.resumeGraceMs ?? DEFAULT_RESUME_GRACE_MS,
    reconnect: resolveReconnectOptions({
      initialDelayMs: DEFAULT_RESUME_INITIAL_DELAY_MS,
      maxDelayMs: DEFAULT_RESUME_MAX_DELAY_MS,
      ...options.reconnect,
    }),
    interpolationDelayTicks: options.interpolationDelayTicks ?? DEFAULT_INTERPOLATION_DELAY_TICKS,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    trackOthers: options.trackOthers ?? true,
    clampToBounds: options.clampToBounds ?? true,
    now: options.now ?? (() => performance.now()),
  };
}
