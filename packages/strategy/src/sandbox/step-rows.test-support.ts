/** @module Step messages for tests, made by the server's own encoder (step-rows.ts). */
import type { LiveCandle } from '../live/live-engine.ts';
import type { StepPayload } from './live-wire.ts';
import { stepColumns, stepRows, type TenantGroup } from './step-rows.ts';

/** The step message that shows runs `handles` (one tenant's, feed 0) `candle`, in that order. */
export function stepMessage(handles: readonly number[], candle: LiveCandle): StepPayload {
  const q = stepColumns();
  const group: TenantGroup = { stamp: 0, first: 0, count: 0 };
  for (const handle of handles) {
    q.sessions.push({ group, handle });
    q.fs.push(0);
    q.candles.push(candle);
    q.answers.push(() => undefined);
  }
  const { rows, candles } = stepRows(q);
  return { rows, candles };
}
