import { describe, expect, it } from 'vitest';
import { InMemoryRiskControls } from '../risk/risk-controls.ts';
import { RiskLimitsSchema } from '../risk/risk-limits.ts';
import { LedgerRiskView } from './ledger-risk-view.ts';
import { CorePortfolioLedger } from './portfolio-ledger.ts';

/** The in-memory store, counting its reads (one `readMany` is one read). */
class CountedControls extends InMemoryRiskControls {
  reads = 0;
  override read(portfolioId: string) {
    this.reads++;
    return super.read(portfolioId);
  }
  override readMany(portfolioIds: readonly string[]) {
    this.reads++;
    return super.readMany(portfolioIds);
  }
}

describe('ledger risk view - reads of the shared controls', () => {
  it("an order's check reads the store once for the limits and the switch, and again once the TTL passed", async () => {
    const controls = new CountedControls();
    let now = 0;
    const view = new LedgerRiskView(new CorePortfolioLedger(), RiskLimitsSchema.parse({}), () => 100, {
      controls,
      ttlMs: 1_000,
      now: () => now,
    });
    await Promise.all([view.riskLimits('p'), view.killSwitch('p')]);
    expect(controls.reads).toBe(1);
    await view.killSwitch('p');
    expect(controls.reads).toBe(1);
    now += 1_001;
    // A switch engaged through another process meanwhile holds here after the TTL.
    await controls.engage('p', { actor: 'user', by: 'u', at: now, reason: 'stop' });
    controls.reads = 0;
    const [limits, killSwitch] = await Promise.all([view.riskLimits('p'), view.killSwitch('p')]);
    expect(controls.reads).toBe(1);
    expect(limits).toEqual(RiskLimitsSchema.parse({}));
    expect(killSwitch.user?.reason).toBe('stop');
  });

  it('the checks of many portfolios in one turn read the store once', async () => {
    const controls = new CountedControls();
    await controls.engage('p2', { actor: 'admin', by: 'root', at: 0, reason: 'abuse' });
    controls.reads = 0;
    const view = new LedgerRiskView(new CorePortfolioLedger(), RiskLimitsSchema.parse({}), () => 100, {
      controls,
    });
    const switches = await Promise.all(['p1', 'p2', 'p3'].map((p) => view.killSwitch(p)));
    expect(controls.reads).toBe(1);
    expect(switches.map((s) => s.admin?.reason)).toEqual([undefined, 'abuse', undefined]);
  });
});
