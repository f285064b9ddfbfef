/**
 * @module The zone coordinator: the registry of zones with their addresses and load, the choice of
 * a zone for a joining player (the one requested, or the least loaded with room) and the join token
 * for it. Zones in this process report their load directly; zones elsewhere would register through
 * the same `register`/`report` calls from whatever carries them between processes.
 */
import { systemClock, type Clock } from '@tickline/kernel';
import { GameCloseCode as CloseCode } from '@tickline/protocol';
import { GameSessionError } from '../protocol/session-error.ts';
import type { JoinTokens } from './join-token.ts';

/** Where a zone is served and how full it is. */
export interface ZoneEntry {
  zoneId: string;
  /** `tcp://host:port`, or null when the zone is not served over TCP. */
  tcp: string | null;
  /** `ws://host:port/game/ws`, or null when not served over WebSocket. */
  ws: string | null;
  players: number;
  capacity: number;
  /** Draining zones take no new players. */
  draining: boolean;
  /** Clock time of the last report. */
  updatedAt: number;
  /** The process holding the zone (shared directory only). */
  owner?: string | undefined;
  /** The holder's epoch: raised at every take-over, so a former holder is fenced. */
  epoch?: number | undefined;
  /** Set when the zone was handed off on purpose by this process (which must not take it back). */
  handoffFrom?: string | undefined;
  /** A private rules room's join code (the rooms directory only), kept when the room moves. */
  code?: string | undefined;
}

/** The answer to a join request. */
export interface JoinTicket {
  token: string;
  zone: string;
  tcp: string | null;
  ws: string | null;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** Options for {@link ZoneCoordinator}. */
export interface ZoneCoordinatorOptions {
  tokens: JoinTokens;
  /** @default systemClock */
  clock?: Clock;
  /** A zone not reported for this long is left out of the choice. 0 = never stale. @default 0 */
  staleAfterMs?: number;
}

export class ZoneCoordinator {
  readonly #zones = new Map<string, ZoneEntry>();
  readonly #tokens: JoinTokens;
  readonly #clock: Clock;
  readonly #staleAfterMs: number;
  // Seats handed out but not yet seen in a load report: without them, a burst of joins would all
  // pick the same "least loaded" zone.
  readonly #reserved = new Map<string, number>();

  constructor(options: ZoneCoordinatorOptions) {
    this.#tokens = options.tokens;
    this.#clock = options.clock ?? systemClock;
    this.#staleAfterMs = options.staleAfterMs ?? 0;
  }

  /** Adds or replaces a zone. */
  register(entry: Omit<ZoneEntry, 'updatedAt'>): void {
    this.#zones.set(entry.zoneId, { ...entry, updatedAt: this.#clock.now() });
    this.#reserved.set(entry.zoneId, 0);
  }

  /** Updates a zone's load (and draining flag). Unknown zones are ignored. */
  report(zoneId: string, players: number, draining?: boolean): void {
    const entry = this.#zones.get(zoneId);
    if (!entry) return;
    entry.players = players;
    if (draining !== undefined) entry.draining = draining;
    entry.updatedAt = this.#clock.now();
    this.#reserved.set(zoneId, 0);
  }

  unregister(zoneId: string): void {
    this.#zones.delete(zoneId);
    this.#reserved.delete(zoneId);
  }

  /** Every registered zone, by id. */
  list(): ZoneEntry[] {
    return [...this.#zones.values()].map((z) => ({ ...z })).sort((a, b) => (a.zoneId < b.zoneId ? -1 : 1));
  }

  /**
   * Picks a zone: `requested` if it exists and has room, else the least loaded live zone with room.
   * @throws GameSessionError GAME_ZONE_UNKNOWN, GAME_ZONE_DRAINING or GAME_NO_ZONE_AVAILABLE.
   */
  pick(requested?: string): ZoneEntry {
    if (requested !== undefined) {
      const entry = this.#zones.get(requested);
      if (!entry)
        throw new GameSessionError(CloseCode.ZoneUnknown, `no zone ${requested}`, { zone: requested });
      if (entry.draining) throw new GameSessionError(CloseCode.Draining, `zone ${requested} is draining`);
      if (this.#load(entry) >= entry.capacity)
        throw new GameSessionError(CloseCode.NoZoneAvailable, `zone ${requested} is full`, {
          zone: requested,
        });
      return entry;
    }
    let best: ZoneEntry | undefined;
    for (const entry of this.#zones.values()) {
      if (entry.draining || this.#stale(entry) || this.#load(entry) >= entry.capacity) continue;
      if (!best || this.#load(entry) / entry.capacity < this.#load(best) / best.capacity) best = entry;
    }
    if (!best) throw new GameSessionError(CloseCode.NoZoneAvailable, 'every zone is full or draining');
    return best;
  }

  /**
   * Picks a zone and issues a join token for `playerId`, carrying the session version of the
   * credential that asked (a later revocation ends the game session).
   */
  join(playerId: string, requested?: string, sessionVersion?: number): JoinTicket {
    const entry = this.pick(requested);
    this.#reserved.set(entry.zoneId, (this.#reserved.get(entry.zoneId) ?? 0) + 1);
    const { token, expiresAt } = this.#tokens.issue(playerId, entry.zoneId, sessionVersion);
    return { token, zone: entry.zoneId, tcp: entry.tcp, ws: entry.ws, expiresAt };
  }

  #load(entry: ZoneEntry): number {
    return entry.players + (this.#reserved.get(entry.zoneId) ?? 0);
  }

  #stale(entry: ZoneEntry): boolean {
    return this.#staleAfterMs > 0 && this.#clock.now() - entry.updatedAt > this.#staleAfterMs;
  }
}
