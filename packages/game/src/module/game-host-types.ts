/** @module The public shapes of game's host (deps, zones, hand-off result, host), apart from the code that builds them. */
import type { GameCatalog } from '../games/load-games.ts';
import type { EventLog, PartitionedLog, Publisher, RequestReply } from '@tickline/eventlog';
import type { ZoneCoordinator } from '../coordinator/zone-coordinator.ts';
import type { ZoneRunner } from '../loop/zone-runner.ts';
import type { ZonePersistence } from '../recovery/zone-persistence.ts';
import type { ChannelSink, ConnectionBudget, ModuleBaseDeps, ModuleHost, RequestAuth } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GameSettings } from '../config.ts';
import type { RedisSettings } from './game-coordinator.ts';
import type { SessionCheck } from './revocation-sweep.ts';
import type { RoomRegistry } from '../rooms/room-registry.ts';
import type { RoomDesk } from './room-desk.ts';

/** What {@link createGameHost} is built from. */
export interface GameHostDeps extends ModuleBaseDeps<GameSettings> {
  role: string;
  publisher: Publisher;
  /** The open main log: snapshot positions and replay on recovery. */
  eventLog: EventLog;
  /**
   * The partitioned game log (`eventlog.gamePartitions` above 1): zone events go to their zone's
   * partition through its publisher, and a zone's replay reads that partition. None: the main log.
   */
  gameLog?: { readonly publisher: Publisher; readonly partitions: PartitionedLog } | undefined;
  /** The open database, for cold snapshots (none: hot snapshots and the log only). */
  sql?: Sql | undefined;
  keys: { streamTicketSecret: Uint8Array };
  /** The sections of other domains this one reads. */
  config: {
    readonly dataDir: string;
    readonly redis: RedisSettings;
    readonly http: { readonly tls: { readonly certFile?: string | undefined } };
  };
  /** Realtime's host where one runs here: live figures on `admin:game` through its hub. */
  realtime?: { hub: ChannelSink } | undefined;
  /** Identity's host, where the join routes are served. */
  identity?: { auth: RequestAuth<FastifyRequest> } | undefined;
  /**
   * The deployment's revocation check (identity's session versions, through Redis in scaled
   * mode): revoked players' sessions are closed and cannot resume. None: sessions are not checked.
   */
  sessionCheck?: SessionCheck | undefined;
  /** Request/reply between processes: the zones here answer operators on other processes. */
  rpc?: RequestReply | undefined;
  /** The process's connections across its listeners: the TCP port takes from it as HTTP does. */
  connectionBudget?: ConnectionBudget | undefined;
}

/** The zones of this process, for the platform's zone operations. */
export interface GameZones {
  readonly runners: readonly ZoneRunner[];
  readonly persistence: ZonePersistence;
  /**
   * Starts a drained or stopped zone again: recovered from its newest snapshot (and the log),
   * ticking, snapshotted, taking players. @throws GameSessionError GAME_ZONE_UNKNOWN
   */
  restartZone(zoneId: string): Promise<void>;
  /**
   * Moves a zone to another game process: players told, final snapshot, the zone let go in the
   * shared directory, players' connections closed with GAME_ZONE_MOVED (they resume on the new
   * process). Waits up to `waitMs` for a peer to take it.
   * @throws GameSessionError GAME_ZONE_UNKNOWN, GAME_HANDOFF_UNAVAILABLE
   */
  handOffZone(zoneId: string, message: string, waitMs?: number): Promise<HandOffResult>;
}

/** What a hand-off did. */
export interface HandOffResult {
  playersTold: number;
  /** The final snapshot the next process recovers from. */
  snapshotId: string;
  /** This process, as named in the directory. */
  from: string;
  /** The process that took the zone, or null when none did within the wait. */
  to: string | null;
}

/** Game on a running process. */
export interface GameHost extends ModuleHost {
  /** Hands out join tokens; undefined where neither zones nor a shared directory exist. */
  readonly coordinator: ZoneCoordinator | undefined;
  /** The local zones; undefined on a process without zones. */
  readonly zones: GameZones | undefined;
  readonly settings: GameSettings;
  /** The games this process can run (built-in and `game.games`), where zones run. */
  readonly catalog?: GameCatalog;
  /** The rules rooms of this process, where zones run. */
  readonly rooms?: RoomRegistry;
  /** Where the rooms routes make and join rooms: this process's rooms, or (a gateway) game processes'. */
  readonly roomDesk?: RoomDesk;
  readonly auth: RequestAuth<FastifyRequest> | undefined;
  /** Mounts the WebSocket transport on the HTTP server. */
  attachHttp(app: FastifyInstance): void;
}
