import { describe, expect, it } from 'vitest';
import { RoleName } from './config/schema.ts';
import { componentsFor, describeRoles, ROLES, servicesFor } from './roles.ts';

describe('roles - table', () => {
  it('roles - every role name has an entry and nothing else does', () => {
    expect(Object.keys(ROLES).sort()).toEqual(Object.values(RoleName).sort());
  });

  it('roles - all runs every shared service, in start order', () => {
    expect(servicesFor('all')).toEqual(['eventlog', 'eventlog-dlq', 'publisher', 'http']);
  });

  it('roles - every role serves HTTP (probes, metrics) and has the event log before the publisher', () => {
    for (const role of Object.values(RoleName)) {
      const services = servicesFor(role);
      expect(services, role).toContain('http');
      expect(services.at(-1), role).toBe('http');
      expect(services.indexOf('eventlog'), role).toBeLessThan(services.indexOf('publisher'));
    }
  });

  it('roles - a producer-only role opens no dead-letter log', () => {
    expect(servicesFor('collector')).toEqual(['eventlog', 'publisher', 'http']);
    expect(servicesFor('platform')).toContain('eventlog-dlq');
  });

  it('roles - the help text names each role, what runs now and what comes later', () => {
    const text = describeRoles();
    for (const role of Object.values(RoleName)) expect(text).toMatch(new RegExp(`^  ${role} `, 'm'));
    expect(text).toMatch(/^ +later: notifications$/m);
    expect(text).not.toContain('later: snapshots'); // game snapshots run today
    expect(text).toMatch(/^ {2}strategy .*starts no strategy code yet/m);
    expect(text).toContain('runs now: eventlog, publisher, sql, market, http');
  });

  it('roles - gateways authenticate and stream, platform processes project, all does both', () => {
    expect(componentsFor('gateway')).toEqual([
      'sql',
      'identity',
      'rate-limit',
      'realtime',
      'realtime-delivery',
      'market',
    ]);
    expect(componentsFor('platform')).toEqual(['sql', 'identity', 'account-snapshots', 'market', 'platform']);
    expect(componentsFor('all')).toEqual([
      'sql',
      'identity',
      'rate-limit',
      'realtime',
      'account-snapshots',
      'realtime-delivery',
      'game',
      'market',
      'platform',
    ]);
    expect(componentsFor('game')).toEqual(['game']);
    expect(componentsFor('collector')).toEqual(['sql', 'market']);
    expect(describeRoles()).toContain(
      'runs now: eventlog, eventlog-dlq, publisher, sql, identity, rate-limit, realtime, realtime-delivery, market, http',
    );
  });
});
