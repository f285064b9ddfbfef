import type { LiveRun } from '@tickline/client';
import { describe, expect, it } from 'vitest';
import { dataHealthText, pauseText, positionText, timeText } from './live-format.ts';

const paused = (code: string, reason: string) => ({ pause: { code, reason } }) as unknown as LiveRun;

describe('live run wording', () => {
  it('a run holds its positions, or is flat', () => {
    expect(positionText({})).toBe('flat');
    expect(positionText({ positions: [] })).toBe('flat');
    expect(
      positionText({
        positions: [
          { symbol: 'BTC-USDT', quantity: 0.5 },
          { symbol: 'ETH-USDT', quantity: -2 },
        ],
      }),
    ).toBe('0.5 BTC-USDT, -2 ETH-USDT');
  });

  it('a kill-switch pause reads the engager’s reason once', () => {
    expect(pauseText(paused('kill_switch', 'kill switch: wild market'))).toBe(
      'Paused by the kill switch: wild market',
    );
  });

  it('a default reason that only says who paused is not said twice', () => {
    expect(pauseText(paused('user', 'paused by the owner'))).toBe('Paused by you');
    expect(pauseText(paused('user', 'rebalancing'))).toBe('Paused by you: rebalancing');
    expect(pauseText(paused('admin', 'Paused by an administrator'))).toBe('Paused by an administrator');
  });

  it('a failure keeps its code; a running run has no pause text', () => {
    expect(pauseText(paused('STRATEGY_CPU_LIMIT', 'over budget'))).toBe('over budget (STRATEGY_CPU_LIMIT)');
    expect(pauseText({} as LiveRun)).toBeUndefined();
  });

  it('a run paused for CPU says when it resumes by itself', () => {
    const at = Date.UTC(2026, 0, 1, 12, 0, 30);
    const run = { pause: { code: 'STRATEGY_CPU_LIMIT', reason: 'over budget', at: 0, resumesAt: at } };
    expect(pauseText(run as LiveRun)).toBe(
      `over budget (STRATEGY_CPU_LIMIT); resumes by itself at ${timeText(at)}`,
    );
  });

  it('a run held by the data-health interlock says which feed, what and since when', () => {
    const since = Date.UTC(2026, 0, 1, 12, 0, 0);
    const run = {
      dataHealth: {
        healthy: false as const,
        feeds: [
          {
            symbol: 'BTC-USDT',
            interval: '1m',
            healthy: false,
            problem: 'jump' as const,
            detail: 'close moved 25.0% (band 20%)',
            since,
          },
        ],
      },
    };
    expect(dataHealthText(run)).toBe(
      `Market data unhealthy: BTC-USDT 1m jumped (close moved 25.0% (band 20%)) since ${timeText(since)}. New entries are held; exits go on.`,
    );
    expect(dataHealthText({})).toBeUndefined();
  });
});
