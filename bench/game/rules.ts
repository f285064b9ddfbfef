/**
 * @module The one scenario both servers run (the rules): a 1000 × 1000 world, a 20 Hz
 * tick, each client sends a move 10 times a second, 2% of moves are speed hacks that must be
 * rejected, a per-client rate limit counted by client tick (15 commands per 20 ticks), the same
 * speed rule as Tickline's zone (0.5 units per tick since the last accepted move).
 */

export const RULES = {
  worldSize: 1000,
  tickRateHz: 20,
  tickMs: 50,
  movesPerSecond: 10,
  hackRatio: 0.02,
  /** Tickline's zone defaults, mirrored in the Colyseus room. */
  maxSpeedPerTick: 0.5,
  maxMoveTicks: 10,
  teleportDistance: 10,
  rateWindowTicks: 20,
  maxCommandsPerWindow: 15,
  maxLeadTicks: 10,
  maxLagTicks: 100,
  /** Honest clients use this share of the speed budget, so timing jitter never trips the rule. */
  honestSpeedShare: 0.8,
  /** How far a speed hack jumps: beyond the teleport distance. */
  hackDistance: 25,
  zoneSize: 100,
} as const;

/** Healthy, as in the Colyseus baseline: tick p99 under the seed's 50 ms budget. */
export const HEALTHY_TICK_P99_MS = 50;
/** …and the server at most this share of its core (headroom for GC and bursts). */
export const HEALTHY_CPU_SHARE = 0.65;

/** A random-walk mover: heads somewhere, turns now and then, stays inside the world. */
export class Walker {
  x: number;
  y: number;
  #heading: number;
  readonly #random: () => number;

  /** Starts where the server placed the player. */
  constructor(random: () => number, x: number, y: number) {
    this.#random = random;
    this.x = x;
    this.y = y;
    this.#heading = random() * 2 * Math.PI;
  }

  /** Where the server should place a player (when the server lets the client choose). */
  static spawn(random: () => number): { x: number; y: number } {
    return { x: 50 + random() * (RULES.worldSize - 100), y: 50 + random() * (RULES.worldSize - 100) };
  }

  /** The next honest target for a step allowed `ticks` ticks of movement. */
  step(ticks: number): { x: number; y: number } {
    if (this.#random() < 0.1) this.#heading += (this.#random() - 0.5) * Math.PI;
    const d = RULES.maxSpeedPerTick * Math.min(ticks, RULES.maxMoveTicks) * RULES.honestSpeedShare;
    let x = this.x + Math.cos(this.#heading) * d;
    let y = this.y + Math.sin(this.#heading) * d;
    if (x < 5 || x > RULES.worldSize - 5 || y < 5 || y > RULES.worldSize - 5) {
      this.#heading += Math.PI;
      x = this.x;
      y = this.y;
    }
    return { x, y };
  }

  /** A speed hack: a jump no legal move could make (the walker does not follow it). */
  hack(): { x: number; y: number } {
    const x = this.x + (this.x < RULES.worldSize / 2 ? RULES.hackDistance : -RULES.hackDistance);
    return { x, y: this.y };
  }
}

/** A small seeded PRNG (mulberry32) so runs are repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
