/**
 * @module Moving a portfolio's kill switch from the dashboard: the owner's control on the portfolio
 * page and the admin's on the Operations page share it. Each move asks for a confirmation first;
 * the reason goes to the portfolio's risk audit. The caller's hand moves: an admin's is the admin
 * hand, which only an admin lifts.
 */
import type { TicklineClient } from '@tickline/client';
import { usePendingAction } from '../../components/use-pending-action.ts';

/** What engaging does, as every confirmation says it. */
export const ENGAGE_EFFECT =
  'New orders are refused, working orders are cancelled and live strategies pause.';

/** The admin's confirmation before engaging the admin hand on someone's portfolio. */
export function adminEngageQuestion(portfolio: string): string {
  return (
    `Engage the admin kill switch on ${portfolio}? New orders are refused, its working orders are ` +
    'cancelled and its live strategies pause. Its owner is told and cannot release an admin’s hand.'
  );
}

/** The reasons the audit keeps for moves made on the dashboard. */
export const KillSwitchReason = {
  Owner: { engage: 'engaged on the dashboard', release: 'released on the dashboard' },
  Admin: { engage: 'engaged from the Operations page', release: 'released from the Operations page' },
} as const;

export type KillSwitchMove = 'engage' | 'release';

/**
 * `move(portfolioId, move, question, reason)` asks `question`, then engages or releases the
 * caller's hand; resolves true when it moved (and `onMoved` ran), false when declined or refused —
 * the refusal is `error`. `busy` while a move runs.
 */
export function useKillSwitchMove(
  client: TicklineClient,
  onMoved: (portfolioId: string, move: KillSwitchMove) => void,
): {
  busy: boolean;
  error: string | undefined;
  move: (
    portfolioId: string,
    move: KillSwitchMove,
    question: string,
    reason: string,
    options?: { flatten?: boolean },
  ) => Promise<boolean>;
} {
  const { pending, error, run } = usePendingAction();
  async function move(
    portfolioId: string,
    how: KillSwitchMove,
    question: string,
    reason: string,
    options: { flatten?: boolean } = {},
  ) {
    if (!window.confirm(question)) return false;
    let moved = false;
    await run(async () => {
      if (how === 'release') await client.portfolios.releaseKillSwitch(portfolioId, reason);
      else await client.portfolios.killSwitch(portfolioId, reason, options);
      moved = true;
      onMoved(portfolioId, how);
    });
    return moved;
  }
  return { busy: pending, error, move };
}
