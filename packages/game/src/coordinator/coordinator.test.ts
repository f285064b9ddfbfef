import { ManualClock } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { createJoinTokens } from './join-token.ts';
import { ZoneCoordinator } from './zone-coordinator.ts';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

function setup() {
  const clock = new ManualClock(1_700_000_000_000);
  const tokens = createJoinTokens({ secret: SECRET, ttlMs: 10_000, clock });
  const coordinator = new ZoneCoordinator({ tokens, clock });
  const zone = (zoneId: string, players: number, capacity = 100) =>
    coordinator.register({
      zoneId,
      tcp: 'tcp://127.0.0.1:7000',
      ws: null,
      players,
      capacity,
      draining: false,
    });
  return { clock, tokens, coordinator, zone };
}

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('join tokens', () => {
  it('tokens - a valid token verifies once; a second use is refused', () => {
    const { tokens } = setup();
    const { token } = tokens.issue('u1', 'z1');
    const first = tokens.verify(token, 'z1');
    expect(first).toMatchObject({ ok: true, claims: { sub: 'u1', zone: 'z1' } });
    expect(tokens.verify(token, 'z1')).toMatchObject({ ok: false, code: 'GAME_TOKEN_REUSED' });
  });

  it('tokens - expired, tampered, foreign-key and other-zone tokens are refused', () => {
    const { tokens, clock } = setup();
    const expired = tokens.issue('u1', 'z1').token;
    clock.advance(10_000);
    expect(tokens.verify(expired)).toMatchObject({ ok: false, code: 'GAME_TOKEN_EXPIRED' });
    const { token } = tokens.issue('u1', 'z1');
    const [v, claims, sig] = token.split('.');
    const forged = Buffer.from(Buffer.from(claims!, 'base64url').toString().replace('u1', 'u2')).toString(
      'base64url',
    );
    expect(tokens.verify(`${v}.${forged}.${sig}`)).toMatchObject({ ok: false, code: 'GAME_TOKEN_INVALID' });
    const other = createJoinTokens({ secret: `${SECRET}-other`, clock });
    expect(other.verify(token)).toMatchObject({ ok: false, code: 'GAME_TOKEN_INVALID' });
    expect(tokens.verify(token, 'z2')).toMatchObject({ ok: false, code: 'GAME_TOKEN_INVALID' });
    expect(tokens.verify('garbage')).toMatchObject({ ok: false, code: 'GAME_TOKEN_INVALID' });
  });
});

describe('zone coordinator', () => {
  it('coordinator - picks the least loaded zone, counting seats it just handed out', () => {
    const { coordinator, zone, tokens } = setup();
    zone('a', 10);
    zone('b', 11);
    const picks = Array.from({ length: 4 }, () => coordinator.join('u', undefined).zone);
    // a: 10 → 11 (tie goes to the first registered) → 12; b: 11 → 12; then tied again.
    expect(picks).toEqual(['a', 'a', 'b', 'a']);
    const ticket = coordinator.join('u9', 'b');
    expect(ticket).toMatchObject({ zone: 'b', tcp: 'tcp://127.0.0.1:7000', ws: null });
    expect(tokens.verify(ticket.token, 'b')).toMatchObject({ ok: true, claims: { sub: 'u9' } });
  });

  it('coordinator - unknown, full and draining zones are refused with their codes', () => {
    const { coordinator, zone } = setup();
    expect(codeOf(() => coordinator.pick())).toBe('GAME_NO_ZONE_AVAILABLE');
    zone('full', 2, 2);
    expect(codeOf(() => coordinator.pick('nope'))).toBe('GAME_ZONE_UNKNOWN');
    expect(codeOf(() => coordinator.pick('full'))).toBe('GAME_NO_ZONE_AVAILABLE');
    expect(codeOf(() => coordinator.pick())).toBe('GAME_NO_ZONE_AVAILABLE');
    zone('d', 0);
    coordinator.report('d', 0, true);
    expect(codeOf(() => coordinator.pick('d'))).toBe('GAME_ZONE_DRAINING');
    coordinator.report('full', 1);
    expect(coordinator.pick().zoneId).toBe('full');
  });
});
