/**
 * @module The contract every {@link RiskControls} adapter passes: both hands of the kill switch,
 * limits, and an audit entry for every change (and none for a no-op).
 */
import { describe, expect, it } from 'vitest';
import { isKillSwitchEngaged } from './kill-switch.ts';
import type { RiskChange, RiskControls } from './risk-controls.ts';
import { RiskLimitsSchema } from './risk-limits.ts';

const AT = Date.UTC(2026, 10, 23, 12);
const owner = (reason: string, at = AT): RiskChange => ({ actor: 'user', by: 'u1', at, reason });
const admin = (reason: string): RiskChange => ({ actor: 'admin', by: 'root', at: AT + 5, reason });

/** Runs the contract against fresh adapters from `make` (one per test; ids do not collide). */
export function riskControlsContract(name: string, make: () => Promise<RiskControls>): void {
  describe(`risk controls contract - ${name}`, () => {
    it('starts off with the default limits', async () => {
      const controls = await make();
      expect(await controls.read('p-new')).toEqual({ killSwitch: {} });
    });

    it('holds an engagement until the same hand releases it, and audits who, when and why', async () => {
      const controls = await make();
      // Given the owner engages and an admin engages too
      await controls.engage('p1', owner('panic'));
      await controls.engage('p1', admin('abuse'));
      // When the owner releases, Then the admin's hand still holds it
      await controls.release('p1', owner('calm', AT + 10));
      const held = await controls.read('p1');
      expect(isKillSwitchEngaged(held.killSwitch)).toBe(true);
      expect(held.killSwitch).toEqual({ admin: { by: 'root', at: AT + 5, reason: 'abuse' } });
      // When the admin releases, Then it is off
      await controls.release('p1', admin('cleared'));
      expect(isKillSwitchEngaged((await controls.read('p1')).killSwitch)).toBe(false);
      // And every change is in the audit, in order
      expect((await controls.audit('p1', 10)).map((e) => [e.action, e.actor, e.by, e.reason])).toEqual([
        ['kill_switch.engaged', 'user', 'u1', 'panic'],
        ['kill_switch.engaged', 'admin', 'root', 'abuse'],
        ['kill_switch.released', 'user', 'u1', 'calm'],
        ['kill_switch.released', 'admin', 'root', 'cleared'],
      ]);
    });

    it('keeps the first engagement and audits no no-op', async () => {
      const controls = await make();
      await controls.engage('p2', owner('first'));
      await controls.engage('p2', owner('second', AT + 1));
      await controls.release('p2', admin('nothing to release'));
      expect((await controls.read('p2')).killSwitch.user?.reason).toBe('first');
      expect(await controls.audit('p2', 10)).toHaveLength(1);
    });

    it('stores limits per portfolio and audits the change with the new limits', async () => {
      const controls = await make();
      const limits = RiskLimitsSchema.parse({ maxPositionValue: 1_000, maxOrderNotional: 250 });
      await controls.setLimits('p3', limits, owner('tighter'));
      expect(await controls.read('p3')).toEqual({ killSwitch: {}, limits });
      expect(await controls.read('p4')).toEqual({ killSwitch: {} });
      const [entry] = await controls.audit('p3', 10);
      expect(entry).toMatchObject({
        action: 'risk_limits.changed',
        by: 'u1',
        at: AT,
        reason: 'tighter',
        limits,
      });
    });

    it('reads many portfolios at once as it reads each', async () => {
      const controls = await make();
      const limits = RiskLimitsSchema.parse({ maxOrderNotional: 500 });
      await controls.engage('p6', owner('stop'));
      await controls.setLimits('p7', limits, owner('tighter'));
      const ids = ['p6', 'p7', 'p-none'];
      const many = await controls.readMany?.(ids);
      expect(many).toBeDefined();
      for (const id of ids) expect(many!.get(id)).toEqual(await controls.read(id));
      expect(many!.get('p6')!.killSwitch.user?.reason).toBe('stop');
      expect(many!.get('p7')!.limits).toEqual(limits);
    });

    it('answers the latest entries of a long audit, oldest first', async () => {
      const controls = await make();
      for (let i = 0; i < 4; i++) {
        await controls.engage('p5', owner(`e${i}`, AT + i));
        await controls.release('p5', owner(`r${i}`, AT + i));
      }
      expect((await controls.audit('p5', 3)).map((e) => e.reason)).toEqual(['r2', 'e3', 'r3']);
    });
  });
}
