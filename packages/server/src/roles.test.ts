import { describe, expect, it } from 'vitest';
import { RoleName } from './config/schema.ts';
import { DOMAINS } from './domains.ts';
import { ALL_ROLE_ONLY, describeRoles, forwardedTo, modulesFor, ROLES, servicesFor } from './roles.ts';

describe('roles - table', () => {
  it('roles - every role name has an entry and nothing else does', () => {
    expect(Object.keys(ROLES).sort()).toEqual(Object.values(RoleName).sort());
  });

  it('roles - all runs every shared service, in start order', () => {
    expect(servicesFor('all')).toEqual(['eventlog', 'eventlog-dlq', 'publisher', 'sql', 'http']);
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
    expect(servicesFor('collector')).toEqual(['eventlog', 'publisher', 'sql', 'http']);
    expect(servicesFor('platform')).toContain('eventlog-dlq');
  });

  it('roles - the help text names each role, what runs now and what comes later', () => {
    const text = describeRoles();
    for (const role of Object.values(RoleName)) expect(text).toMatch(new RegExp(`^  ${role} `, 'm'));
    expect(text).not.toContain('later: live strategies'); // live runs are in the trading module
    expect(text).not.toContain('later: snapshots'); // game snapshots run today
    expect(text).toMatch(/^ {2}strategy .*live runs/m);
    expect(text).toContain('runs now: eventlog, publisher, sql, market, http');
  });

  it('roles - gateways authenticate and stream, platform processes project, all does both', () => {
    const names = (role: RoleName) => modulesFor(role).map((m) => m.name);
    expect(names('gateway')).toEqual(['identity', 'realtime', 'accounts', 'market', 'game', 'platform', 'graphql']);
    expect(names('platform')).toEqual(['identity', 'accounts', 'market', 'notify', 'platform', 'graphql']);
    expect(names('all')).toEqual(DOMAINS.map((d) => d.name));
    expect(names('game')).toEqual(['game']);
    expect(names('collector')).toEqual(['market']);
    expect(names('strategy')).toEqual(['identity', 'strategy', 'trading', 'graphql']);
    expect(ROLES.platform.api).toEqual(['notify', 'platform']);
    expect(describeRoles()).toContain(
      'runs now: eventlog, eventlog-dlq, publisher, sql, identity, realtime, accounts, market, game, platform, graphql, http',
    );
  });

  it('roles - a module starts after the modules it names in after (domains.ts order)', async () => {
    const modules = await Promise.all(DOMAINS.map((d) => d.load()));
    for (const [index, module] of modules.entries()) {
      expect(module.name).toBe(DOMAINS[index]!.name);
      for (const before of module.after)
        expect(
          DOMAINS.findIndex((d) => d.name === before),
          `${module.name} after ${before}`,
        ).toBeLessThan(index);
      expect(module.config?.key).toBe('config' in DOMAINS[index]! ? DOMAINS[index].config.key : undefined);
    }
  });

  it('roles - a gateway serves every module of all, running or forwarding it to a role that serves it', () => {
    const forwarded = ROLES.gateway.forward;
    expect([...ROLES.gateway.api, ...Object.keys(forwarded)].sort()).toEqual(
      ROLES.all.api.filter((domain) => !ALL_ROLE_ONLY.includes(domain)).sort(),
    );
    for (const [domain, owner] of Object.entries(forwarded)) {
      expect(ROLES[owner].api, `${owner} serves ${domain}`).toContain(domain);
      expect(forwardedTo(owner)).toContain(domain);
    }
    expect(forwardedTo('all')).toEqual([]);
  });
});
