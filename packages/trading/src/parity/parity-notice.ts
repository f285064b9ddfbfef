/**
 * @module The event that tells a run's owner its parity check first diverged
 * (`strategy.live.parity.diverged`, on `user:{userId}`; notify makes it a `strategy.parity`
 * notification): the decision and the field, as the check found them.
 */
import type { EventEnvelope, EventSource } from '@tickline/kernel';
import { StrategyLiveParityDiverged } from '../live/live-events.ts';
import type { LiveRunStatus } from '../live/live-runner-types.ts';
import type { ParityCheck } from './parity-report.ts';

export function parityDiverged(source: EventSource, status: LiveRunStatus, check: ParityCheck): EventEnvelope {
  const first = check.firstDivergence;
  const candle = first?.live?.candleCloseTime ?? first?.replay?.candleCloseTime;
  return source.create(StrategyLiveParityDiverged, {
    subject: status.id,
    data: {
      runId: status.id,
      strategyId: status.strategyId,
      ...(status.strategyName === undefined ? {} : { strategyName: status.strategyName }),
      version: status.version,
      userId: status.userId,
      portfolioId: status.portfolioId,
      decision: first?.decision ?? 1,
      field: first?.field ?? 'missing',
      ...(candle === undefined ? {} : { candleCloseTime: candle }),
      checkedAt: check.checkedAt,
    },
  });
}
