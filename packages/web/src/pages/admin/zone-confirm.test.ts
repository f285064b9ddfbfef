import { describe, expect, it } from 'vitest';
import { zoneConfirmText } from './zone-confirm.ts';

const zone = (zoneId: string, ccu: number, health = 'ok') => ({ zoneId, ccu, health });

describe('operations - zone confirmations', () => {
  it('draining the only open zone says players have nowhere to go and Restart is the undo', () => {
    expect(zoneConfirmText([zone('zone-1', 12)], 'zone-1', 'drain')).toBe(
      'Drain zone-1? It is the only open zone: its 12 players are told and disconnected with no zone to go to, and new players cannot join. Only Restart (from its latest snapshot) brings it back.',
    );
    // Another zone that is itself draining is no place to go either.
    expect(zoneConfirmText([zone('zone-1', 1), zone('zone-2', 0, 'draining')], 'zone-1', 'drain')).toMatch(
      /^Drain zone-1\? It is the only open zone: its 1 player is told/,
    );
  });

  it('draining one of several names where players can go; restart says what it restores', () => {
    expect(zoneConfirmText([zone('zone-1', 3), zone('zone-2', 0)], 'zone-1', 'drain')).toBe(
      'Drain zone-1? Its 3 players are told and disconnected; they can join the 1 other open zone.',
    );
    expect(zoneConfirmText([zone('zone-1', 3)], 'zone-1', 'restart')).toBe(
      'Restart zone-1 from its latest snapshot? Its players reconnect to the restored state.',
    );
  });
});
