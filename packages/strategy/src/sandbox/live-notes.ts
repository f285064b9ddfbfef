/**
 * @module The notifications a live sandbox process takes about its runs, sent as one `notes`
 * message per process per turn of the server's event loop (live-processes.ts) instead of a message
 * each: a fill booked into a run's engine, an order the venue finished, a run closed. Applied in
 * the order they were made, all before the next call to the process; fills and finished orders
 * are booked in the isolate at the start of the tenant's next call there (live-tenants.ts).
 */
import type { RecordedFill } from './isolate-live.ts';

/** One notification: `[kind, runId, …]`. */
export type LiveNote = ['fill', string, RecordedFill] | ['done', string, number] | ['close', string];

/** What applies the notes (the process's tenants, live-tenants.ts). */
export interface LiveNoteTarget {
  fill(runId: string, fill: RecordedFill): void;
  done(runId: string, orderId: number): void;
  close(runId: string): void;
}

/** Applies `notes` to `target`, in order. */
export function applyNotes(target: LiveNoteTarget, notes: readonly LiveNote[]): void {
  for (const note of notes) {
    if (note[0] === 'fill') target.fill(note[1], note[2]);
    else if (note[0] === 'done') target.done(note[1], note[2]);
    else target.close(note[1]);
  }
}
