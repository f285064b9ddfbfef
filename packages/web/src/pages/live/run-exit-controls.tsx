/**
 * @module A live run's force exit and stop-entry buttons: "Stop entries" keeps the run deciding and
 * exiting but places no new entries (its owner lifts it with "Allow entries"); "Force exit" closes
 * the run's position at market after a confirmation and shows the fill.
 */
import type { LiveRun } from '@tickline/client';
import { useState, type ReactNode } from 'react';
import { useSession } from '../../app/session.tsx';
import { codedErrorText } from '../portfolio/portfolio-format.ts';
import { exitText } from './exit-text.ts';

export function RunExitControls(props: { run: LiveRun; onChange: () => void }): ReactNode {
  const { client } = useSession();
  const { run } = props;
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string>();
  // Counts answers, so a reader (a test, a screen reader's diff) tells a new answer from the last.
  const [answers, setAnswers] = useState(0);

  async function act(body: () => Promise<string>) {
    setBusy(true);
    setNote(undefined);
    try {
      setNote(await body());
    } catch (caught) {
      setNote(codedErrorText(caught));
    } finally {
      setBusy(false);
      setAnswers((n) => n + 1);
      props.onChange();
    }
  }

  const toggle = () =>
    act(async () => {
      const on = run.stopEntry !== true;
      await client.liveStrategies.stopEntry(run.id, on);
      return on ? 'No new entries; exits keep running.' : 'Entries allowed again.';
    });
  const forceExit = () => {
    if (!window.confirm(`Close the position of ${run.strategyName ?? run.strategyId} at market now?`)) return;
    void act(async () => exitText(await client.liveStrategies.forceExit(run.id)));
  };

  return (
    <>
      <button
        type="button"
        className="button button-small"
        disabled={busy}
        data-testid="stop-entry"
        aria-pressed={run.stopEntry === true}
        onClick={() => void toggle()}
      >
        {run.stopEntry === true ? 'Allow entries' : 'Stop entries'}
      </button>
      <button
        type="button"
        className="button button-small button-danger"
        disabled={busy}
        data-testid="force-exit"
        onClick={forceExit}
      >
        Force exit
      </button>
      {note ? (
        <span className="small" role="status" data-testid="exit-note" data-answer={answers}>
          {note}
        </span>
      ) : null}
    </>
  );
}
