import { IDENTITY_EVENTS } from '@tickline/identity';
import { GameEvents } from '@tickline/game';
import { MARKET_EVENTS } from '@tickline/market';
import { NOTIFY_EVENTS } from '@tickline/notify';
import { STRATEGY_EVENTS } from '@tickline/strategy';
import { ACCOUNT_EVENTS, TRADING_EVENTS } from '@tickline/trading';
import { describe, expect, it } from 'vitest';
import { createProcessEventRegistry, loadProcessEvents } from './event-registry.ts';

describe('event registry - built from the modules', () => {
  it('holds every event the packages export (the list server kept before modules carried them)', async () => {
    const exported = [
      ...IDENTITY_EVENTS,
      ...ACCOUNT_EVENTS,
      ...STRATEGY_EVENTS,
      ...TRADING_EVENTS,
      ...NOTIFY_EVENTS,
      ...MARKET_EVENTS,
      ...GameEvents,
    ].map((d) => d.dataschema);
    const registered = (await loadProcessEvents()).map((d) => d.dataschema);
    // A superset, so a new domain's events do not fail this test; nothing lost is what it guards.
    expect(new Set(registered)).toEqual(new Set([...registered, ...exported]));
    expect(registered.length).toBeGreaterThanOrEqual(new Set(exported).size);
  });

  it('decodes by every registered schema and lists each definition once', async () => {
    const events = await loadProcessEvents();
    const registry = await createProcessEventRegistry();
    for (const d of events) expect(registry.bySchema(d.dataschema)).toBe(d);
    expect(new Set(events.map((d) => d.dataschema)).size).toBe(events.length);
  });
});
