import type { LiveRun } from '@tickline/client';
import { describe, expect, it } from 'vitest';
import { pauseText } from './live-format.ts';

const paused = (code: string, reason: string) => ({ pause: { code, reason } }) as unknown as LiveRun;

describe('live run wording', () => {
  it('a kill-switch pause reads the engager’s reason once', () => {
    expect(pauseText(paused('kill_switch', 'kill switch: wild market'))).toBe(
      'Paused by the kill switch: wild market',
    );
  });

  it('a failure keeps its code; a running run has no pause text', () => {
    expect(pauseText(paused('STRATEGY_CPU_LIMIT', 'over budget'))).toBe('over budget (STRATEGY_CPU_LIMIT)');
    expect(pauseText({} as LiveRun)).toBeUndefined();
  });
});
