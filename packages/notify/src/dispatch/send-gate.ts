/**
 * @module The send gate: every attempt of every channel runs through it, and it bounds how many
 * are in flight — in all, per tenant (user) and per target (endpoint, address). A job waits in its
 * tenant's queue; a freed slot goes to the next tenant in turn whose own limits allow it, so a
 * tenant with a slow or flooded receiver holds at most its share and the others keep sending.
 * Queues are bounded: a job refused by a full queue, or one that waited too long, is handed back
 * to the caller, who writes it to the SQL queue for later (see `onOverflow`).
 */

/** One attempt waiting for (or holding) a slot. */
export interface GateJob {
  tenant: string;
  /** `${channel}:${target}`. */
  target: string;
  /** Runs the attempt; the slot is held until it settles. */
  run(): Promise<void>;
  /** Called instead of `run` when the job waited longer than `maxWaitMs`. */
  expire(): void;
  /** performance.now() when submitted (set by the gate). */
  queuedAt?: number;
}

export interface SendGateOptions {
  /** Attempts in flight at once, all tenants together. */
  total: number;
  /** In flight for one tenant at most (below `total`, so no tenant can hold every slot). */
  perTenant: number;
  /** In flight to one target at most. */
  perTarget: number;
  /** Jobs waiting for one tenant at most; more are refused. */
  maxQueuedPerTenant: number;
  /** How long a job may wait before it is expired (handed back). */
  maxWaitMs: number;
}

export interface SendGate {
  /** Queues `job`; false (nothing queued) when its tenant's queue is full. */
  submit(job: GateJob): boolean;
  /** Slots free now, minus jobs already waiting: what a claim from SQL may add. */
  spare(): number;
  /** Tenants and targets at their in-flight limit or with jobs waiting (SQL claims skip them). */
  busy(): { tenants: string[]; targets: string[] };
  /** Resolves when a slot is free with no job waiting for it (at once when one is). */
  whenSpare(): Promise<void>;
  stats(): { inFlight: number; queued: number };
  /** Expires every waiting job and resolves when nothing is in flight (shutdown). */
  drained(): Promise<void>;
}

/** Waiting jobs of one tenant looked at for a free target, at most, per turn. */
const SCAN_LIMIT = 64;

/** The defaults derived from the dispatcher's concurrency (see {@link gateOptionsFor}). */
export function gateOptionsFor(concurrency: number, perTarget: number, maxWaitMs: number): SendGateOptions {
  return {
    total: concurrency,
    perTenant: Math.max(1, Math.min(concurrency - 1, Math.ceil(concurrency / 4))),
    perTarget: Math.max(1, Math.min(perTarget, concurrency)),
    maxQueuedPerTenant: Math.max(64, concurrency * 4),
    maxWaitMs,
  };
}

export function createSendGate(options: SendGateOptions): SendGate {
  let inFlight = 0;
  let queued = 0;
  const perTenant = new Map<string, number>();
  const perTarget = new Map<string, number>();
  /** Waiting jobs by tenant, FIFO each; `turns` is the round-robin order of tenants with waiters. */
  const waiting = new Map<string, GateJob[]>();
  const turns: string[] = [];
  const spareWaiters: Array<() => void> = [];
  const emptyWaiters: Array<() => void> = [];
  let expiryTimer: NodeJS.Timeout | undefined;

  const count = (m: Map<string, number>, key: string) => m.get(key) ?? 0;
  const bump = (m: Map<string, number>, key: string, by: number) => {
    const n = count(m, key) + by;
    if (n === 0) m.delete(key);
    else m.set(key, n);
  };

  function start(job: GateJob): void {
    inFlight++;
    bump(perTenant, job.tenant, 1);
    bump(perTarget, job.target, 1);
    const release = () => {
      inFlight--;
      bump(perTenant, job.tenant, -1);
      bump(perTarget, job.target, -1);
      pump();
      // Only when a slot is really free: while jobs wait, the freed slot went to one of them, and
      // waking the dispatcher for nothing on every release (a timer, an abort listener and a
      // round each) cost more than anything else it did in a profile of `bench:notify`.
      if (spareWaiters.length > 0 && inFlight + queued < options.total)
        for (const resolve of spareWaiters.splice(0)) resolve();
      if (inFlight === 0) for (const resolve of emptyWaiters.splice(0)) resolve();
    };
    // One reaction for either end (not .catch().finally(): two more promises per attempt).
    job.run().then(release, release);
  }

  const startable = (job: GateJob) =>
    count(perTenant, job.tenant) < options.perTenant && count(perTarget, job.target) < options.perTarget;

  /**
   * The first of a tenant's first {@link SCAN_LIMIT} waiting jobs whose target has room: a tenant
   * with hundreds waiting for one busy endpoint was scanned whole on every freed slot.
   */
  function firstStartable(queue: readonly GateJob[]): number {
    for (let i = 0; i < Math.min(queue.length, SCAN_LIMIT); i++) if (startable(queue[i]!)) return i;
    return -1;
  }

  /** Starts waiting jobs while slots are free, one tenant's turn at a time. */
  function pump(): void {
    let idle = 0;
    while (inFlight < options.total && turns.length > 0 && idle < turns.length) {
      const tenant = turns.shift()!;
      const queue = waiting.get(tenant)!;
      const i = count(perTenant, tenant) < options.perTenant ? firstStartable(queue) : -1;
      if (i >= 0) {
        // The head in the common case: shift() allocates no array, splice() one per start.
        const job = i === 0 ? queue.shift()! : queue.splice(i, 1)[0]!;
        queued--;
        start(job);
        idle = 0;
      } else idle++;
      if (queue.length > 0) turns.push(tenant);
      else waiting.delete(tenant);
    }
    scheduleExpiry();
  }

  /** Expires jobs that waited longer than `maxWaitMs` (checked at most every quarter of it). */
  function scheduleExpiry(): void {
    if (expiryTimer || queued === 0) return;
    expiryTimer = setTimeout(
      () => {
        expiryTimer = undefined;
        const oldest = performance.now() - options.maxWaitMs;
        for (const [tenant, queue] of waiting) {
          // A queue is in submission order (pushed at the end, taken out in place), so the jobs
          // that waited too long are its head: filtering every queue every tick was 3 % of a
          // `bench:notify` profile with thousands waiting.
          let stale = 0;
          while (stale < queue.length && queue[stale]!.queuedAt! <= oldest) stale++;
          if (stale === 0) continue;
          const expired = queue.splice(0, stale);
          queued -= stale;
          if (queue.length === 0) {
            waiting.delete(tenant);
            turns.splice(turns.indexOf(tenant), 1);
          }
          for (const job of expired) job.expire();
        }
        scheduleExpiry();
      },
      Math.max(10, options.maxWaitMs / 4),
    );
    expiryTimer.unref();
  }

  return {
    submit(job) {
      job.queuedAt = performance.now();
      if (inFlight < options.total && !waiting.has(job.tenant) && startable(job)) {
        start(job);
        return true;
      }
      let queue = waiting.get(job.tenant);
      if (!queue) {
        waiting.set(job.tenant, (queue = []));
        turns.push(job.tenant);
      }
      if (queue.length >= options.maxQueuedPerTenant) return false;
      queue.push(job);
      queued++;
      pump();
      return true;
    },
    spare: () => options.total - inFlight - queued,
    busy() {
      const tenants = new Set(waiting.keys());
      for (const [tenant, n] of perTenant) if (n >= options.perTenant) tenants.add(tenant);
      const targets = new Set<string>();
      for (const queue of waiting.values()) for (const job of queue) targets.add(job.target);
      for (const [target, n] of perTarget) if (n >= options.perTarget) targets.add(target);
      return { tenants: [...tenants], targets: [...targets] };
    },
    whenSpare() {
      if (inFlight + queued < options.total) return Promise.resolve();
      return new Promise((resolve) => spareWaiters.push(resolve));
    },
    stats: () => ({ inFlight, queued }),
    drained() {
      for (const queue of waiting.values()) for (const job of queue) job.expire();
      waiting.clear();
      turns.length = 0;
      queued = 0;
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => emptyWaiters.push(resolve));
    },
  };
}
