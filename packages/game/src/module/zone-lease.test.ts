import { silentLogger, type ServiceContext } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import type { ZoneEntry } from '../coordinator/zone-coordinator.ts';
import type { ZoneDirectory } from './zone-directory.ts';
import { startZoneDirectorySync } from './zone-directory-sync.ts';
import { DirectoryLease, HeartbeatOutcome } from './zone-lease.ts';

const LEASE_MS = 750;
/** The beat's context; the tests call `sync()` themselves (the beat's interval is a minute). */
const context: ServiceContext = { logger: silentLogger, fail: () => {} };
const east: ZoneEntry = {
  zoneId: 'east',
  tcp: null,
  ws: 'ws://a/game/ws',
  players: 1,
  capacity: 9,
  draining: false,
  updatedAt: 0,
  epoch: 1,
};

/** A lease on a clock the test moves. */
function leaseAt(start = 0) {
  const clock = { now: start };
  const lease = new DirectoryLease({ leaseMs: LEASE_MS, fenced: true, now: () => clock.now });
  return { clock, lease };
}

describe('directory lease', () => {
  it('lease - holds for leaseMs from the start of the last renewing heartbeat', () => {
    const { clock, lease } = leaseAt();
    clock.now = LEASE_MS - 1;
    expect(lease.held()).toBe(true);
    clock.now = LEASE_MS;
    expect(lease.held()).toBe(false);
    lease.renew(600, HeartbeatOutcome.Answered);
    expect(lease.held()).toBe(true);
    // An older heartbeat answering late never moves the lease back.
    lease.renew(100, HeartbeatOutcome.Answered);
    clock.now = 600 + LEASE_MS - 1;
    expect(lease.held()).toBe(true);
    expect(new DirectoryLease({ leaseMs: LEASE_MS, fenced: false, now: () => 1e9 }).held()).toBe(true);
  });

  it('lease - an unanswered heartbeat carries a held lease on, but never revives a lapsed one', () => {
    const { clock, lease } = leaseAt();
    // Redis slow while the process runs: the lease goes on (play never waits on Redis).
    lease.renew(300, HeartbeatOutcome.Unanswered);
    clock.now = 1_000;
    expect(lease.held()).toBe(true);
    // A stall past the lease: the first heartbeat after it times out. Its command may have run
    // and found the zones lost, so it renews nothing.
    clock.now = 3_000;
    lease.renew(3_000, HeartbeatOutcome.Unanswered);
    expect(lease.held()).toBe(false);
    // One Redis answered renews it.
    lease.renew(3_250, HeartbeatOutcome.Answered);
    clock.now = 3_300;
    expect(lease.held()).toBe(true);
  });

  it('lease - unanswered heartbeats in a row carry it at most half a lease past the last answered one', () => {
    const { clock, lease } = leaseAt();
    lease.renew(1_000, HeartbeatOutcome.Answered);
    // Every heartbeat after it times out, each started while the lease held: the entry in Redis
    // stays at 1,000, and a peer may take the zone when it is two leases old (2,500).
    for (let at = 1_250; at <= 5_000; at += 250) lease.renew(at, HeartbeatOutcome.Unanswered);
    // The one at 1,250 carried it (within half a lease of 1,000); those from 1,500 on did not.
    clock.now = 1_250 + LEASE_MS - 1;
    expect(lease.held()).toBe(true);
    clock.now = 1_250 + LEASE_MS;
    expect(lease.held()).toBe(false);
    // An answer renews it again.
    lease.renew(5_250, HeartbeatOutcome.Answered);
    clock.now = 5_300;
    expect(lease.held()).toBe(true);
  });

  it('lease - a heartbeat that timed out after it ran in Redis does not let a woken process tick the zones it lost', async () => {
    // Redis took the heartbeat and found east held by a peer, but the answer came after the
    // client's timeout, as on a starved machine: the caller saw an error, not "lost".
    let answer: 'late' | 'lost' = 'late';
    const writes: string[] = [];
    const directory: Pick<ZoneDirectory, 'publish' | 'remove'> = {
      async publish(owner) {
        writes.push(owner);
        if (answer === 'late') throw new Error('redis command timed out after 250 ms');
        return ['east'];
      },
      remove: async () => {},
    };
    const { clock, lease } = leaseAt();
    const lost: string[][] = [];
    const sync = await startZoneDirectorySync(
      {
        directory: directory as ZoneDirectory,
        local: () => [east],
        owner: 'a',
        lost: (zoneIds) => lost.push(zoneIds),
        // Each heartbeat starts at the test clock's now.
        renewed: (_startedAt, outcome) => lease.renew(clock.now, outcome),
        intervalMs: 60_000,
      },
      context,
    );
    try {
      // Woken from a stall longer than the lease.
      clock.now = 2_000;
      await sync.sync();
      expect(writes).toEqual(['a']);
      expect(lease.held()).toBe(false);
      // The next heartbeat is answered: east is lost, and it is stopped before anything ticks.
      answer = 'lost';
      clock.now = 2_250;
      await sync.sync();
      expect(lost).toEqual([['east']]);
    } finally {
      await sync.stop();
    }
  });
});
