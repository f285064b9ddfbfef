/**
 * @module Game's config section `game`: the zones this process runs, their rules and world map,
 * the transports (TCP port, WebSocket path on the HTTP server) and the connection limits. The
 * defaults are defined here and the zone, session, coordinator and snapshot code import them; the
 * file stays light (zod only) so printing help loads no transport.
 */
import type { DeepReadonly } from '@tickline/kernel';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Zone rules. */
export const TICK_RATE_HZ = 20;
export const MAX_SPEED_PER_TICK = 0.5;
export const VIEW_RADIUS = 50;
export const RATE_WINDOW_TICKS = 20;
export const MAX_COMMANDS_PER_WINDOW = 15;
export const WORLD_SIZE = 1000;
/** Session limits. */
export const MAX_MESSAGE_BYTES = 4 * 1024;
export const MAX_MESSAGES_PER_SECOND = 40;
export const BURST_SECONDS = 5;
export const MAX_BUFFERED_BYTES = 1024 * 1024;
export const HANDSHAKE_TIMEOUT_MS = 5_000;
/** Connections one process holds (every transport together). */
export const MAX_CONNECTIONS = 10_000;
/** Connections from one IP address: a few tabs and bots, not a flood of half-open sockets. */
export const MAX_CONNECTIONS_PER_ADDRESS = 32;
export const HEARTBEAT_INTERVAL_MS = 5_000;
export const IDLE_TIMEOUT_MS = 15_000;
export const RESUME_GRACE_MS = 30_000;
/** Silence of a zone's process (it refreshes every 250 ms) after which another process takes the zone over. */
export const FAILOVER_AFTER_MS = 1_500;
/** Lifetime of a join token. */
export const JOIN_TOKEN_TTL_MS = 30_000;
/** The WebSocket endpoint on the HTTP server. */
export const GAME_WS_PATH = '/game/ws';
/** Snapshot periods: hot (Redis or files), cold (SQL). */
export const HOT_SNAPSHOT_INTERVAL_MS = 1_000;
export const COLD_SNAPSHOT_INTERVAL_MS = 60_000;
/** Rules rooms on demand: rooms one process holds, rooms one user may create a minute, empty-room grace. */
export const MAX_ROOMS_PER_PROCESS = 1_000;
export const ROOM_CREATES_PER_MINUTE = 10;
export const ROOM_EMPTY_GRACE_MS = 30_000;
/** Zones of about a hundred players keep the interest fan-out small (see the README's figures). */
export const MAX_PLAYERS_PER_ZONE = 100;

const Positive = z.number().positive();
const PositiveInt = z.int().positive();

const MapSchema = z
  .strictObject({
    width: Positive.default(WORLD_SIZE).describe('World width in units (ignored when rows are given).'),
    height: Positive.default(WORLD_SIZE).describe('World height in units (ignored when rows are given).'),
    cellSize: Positive.default(10).describe('World units per obstacle-grid cell.'),
    rows: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'The obstacle grid, one string per row (row 0 is y = 0): `#` blocked, `.` free. Absent: an open map.',
      ),
  })
  .refine((map) => !map.rows || map.rows.every((row) => row.length === map.rows![0]!.length), {
    message: 'every map row must have the same length',
    path: ['rows'],
  });

const LimitsSchema = z.strictObject({
  maxMessageBytes: PositiveInt.max(64 * 1024)
    .default(MAX_MESSAGE_BYTES)
    .describe('Largest client message; a larger frame closes the connection (GAME_PROTOCOL_TOO_LARGE).'),
  maxMessagesPerSecond: PositiveInt.default(MAX_MESSAGES_PER_SECOND).describe(
    'Sustained messages per second per connection; more closes it (GAME_SESSION_FLOOD).',
  ),
  burstSeconds: Positive.default(BURST_SECONDS).describe(
    'Seconds of messages a connection may send at once (a backlog after a stall is not a flood).',
  ),
  maxBufferedBytes: PositiveInt.default(MAX_BUFFERED_BYTES).describe(
    'Unsent bytes after which a slow client is dropped (GAME_SESSION_SLOW_CONSUMER).',
  ),
  maxConnections: PositiveInt.default(MAX_CONNECTIONS).describe(
    'Game connections this process holds over every transport; one more is closed with GAME_SERVER_FULL.',
  ),
  maxConnectionsPerAddress: PositiveInt.default(MAX_CONNECTIONS_PER_ADDRESS).describe(
    'Game connections from one client address (an IPv6 /64 counts as one), counted before the hello; one more is closed with GAME_ADDRESS_LIMIT.',
  ),
  handshakeTimeoutMs: PositiveInt.default(HANDSHAKE_TIMEOUT_MS).describe(
    'Time a new connection has to say hello.',
  ),
  heartbeatIntervalMs: PositiveInt.default(HEARTBEAT_INTERVAL_MS).describe('Server heartbeat period.'),
  idleTimeoutMs: PositiveInt.default(IDLE_TIMEOUT_MS).describe(
    'A connection silent this long is closed (GAME_SESSION_IDLE); its player may still resume.',
  ),
  resumeGraceMs: z
    .int()
    .min(0)
    .default(RESUME_GRACE_MS)
    .describe('How long a dropped player stays in its zone, resumable, before it leaves.'),
});

export const GameSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run game zones on the roles that host them (all, game).'),
  zones: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'expected a lower-case, path-safe zone id'))
    .min(1)
    .default(['zone-1'])
    .describe('Zone ids this process runs (comma-separated in TICKLINE_GAME_ZONES).'),
  spawn: z
    .enum(['center', 'scatter'])
    .default('center')
    .describe(
      "Where joining players appear: center (the zone's middle: everyone sees everyone, as a demo wants) or scatter (spread over the zone by player id, as a big world wants).",
    ),
  games: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Game modules of the operator to load besides the built-in ones (arena, connect-four, tag): paths (relative to the working directory) of files whose default export is a game (defineGame). Each is checked against the rules API at start; one that does not load or fit stops the start with GAME_RULES_INVALID naming the file.',
    ),
  maxPlayersPerZone: PositiveInt.default(MAX_PLAYERS_PER_ZONE).describe(
    'Players per zone; the coordinator sends new players to the least loaded zone with room.',
  ),
  tickRateHz: PositiveInt.max(120).default(TICK_RATE_HZ).describe('Simulation ticks per second.'),
  broadcastEveryTicks: PositiveInt.default(1).describe(
    'Send interest deltas every N ticks (1 = every tick).',
  ),
  maxSpeedPerTick: Positive.default(MAX_SPEED_PER_TICK).describe(
    'Longest legal move per tick, in world units.',
  ),
  viewRadius: Positive.default(VIEW_RADIUS).describe('A player sees others within this distance.'),
  rateWindowTicks: PositiveInt.default(RATE_WINDOW_TICKS).describe(
    'Command rate-limit window, in client ticks.',
  ),
  maxCommandsPerWindow: PositiveInt.default(MAX_COMMANDS_PER_WINDOW).describe(
    'Commands a player may send per window (rejected past it: GAME_RATE_LIMITED).',
  ),
  map: MapSchema.prefault({}),
  tcp: z
    .strictObject({
      port: z
        .int()
        .min(0)
        .max(65535)
        .default(0)
        .describe('TCP port of the length-prefixed transport; 0 = off.'),
      host: z.string().min(1).default('0.0.0.0').describe('Interface the TCP transport listens on.'),
    })
    .prefault({}),
  ws: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Serve the WebSocket transport on the HTTP server.'),
      path: z.string().startsWith('/').default(GAME_WS_PATH).describe('Path of the WebSocket endpoint.'),
    })
    .prefault({}),
  advertiseHost: z
    .string()
    .min(1)
    .optional()
    .describe('Host name clients are told to connect to; absent: the host of the join request.'),
  joinTokenTtlMs: PositiveInt.default(JOIN_TOKEN_TTL_MS).describe('Lifetime of a join token (single-use).'),
  failoverAfterMs: z
    .int()
    .min(0)
    .default(FAILOVER_AFTER_MS)
    .describe(
      'With redis.url set: a zone whose game process has been silent this long is taken over by another game process (0: never).',
    ),
  handOffOnStop: z
    .boolean()
    .default(false)
    .describe(
      'With redis.url set and failover on: a graceful stop hands each zone to another game process (players resume there) instead of stopping it — the rolling restart of the game tier.',
    ),
  limits: LimitsSchema.prefault({}),
  rooms: z
    .strictObject({
      maxPerProcess: PositiveInt.default(MAX_ROOMS_PER_PROCESS).describe(
        'Rules rooms one game process holds; one more (by request or by matchmaking) is refused with GAME_ROOM_LIMIT.',
      ),
      createsPerMinute: PositiveInt.default(ROOM_CREATES_PER_MINUTE).describe(
        'Rooms one user may create per minute with POST /api/v1/game/rooms; more are refused with GAME_ROOM_RATE_LIMITED.',
      ),
      emptyGraceMs: z
        .int()
        .min(0)
        .default(ROOM_EMPTY_GRACE_MS)
        .describe('A room with no player (and none on the way) is disposed of after this long.'),
    })
    .prefault({}),
  snapshots: z
    .strictObject({
      hotIntervalMs: PositiveInt.default(HOT_SNAPSHOT_INTERVAL_MS).describe(
        'Hot snapshot period: to Redis when redis.url is set, else to files under dataDir/game-snapshots.',
      ),
      coldIntervalMs: PositiveInt.default(COLD_SNAPSHOT_INTERVAL_MS).describe(
        'Cold snapshot period, to the SQL database (table game_snapshots).',
      ),
    })
    .prefault({}),
});

export type GameSettings = DeepReadonly<z.output<typeof GameSchema>>;

/** The `game` section of the Tickline config. */
export const gameConfig = { key: 'game', schema: GameSchema.prefault({}) } as const;

/** The game tables' migrations (versions unique across all modules). */
export const GAME_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
