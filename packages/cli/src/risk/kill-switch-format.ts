/**
 * @module How `tickline kill-switch` prints a switch, the same over the API and directly: engaged
 * or off, each hand (the owner's, the admin's) with who, when and why, and the latest audited
 * changes.
 */
import type { KillSwitchView, RiskAuditEntryView } from '@tickline/protocol';

/** Audit entries printed under the switch (`--json` carries every one it was given). */
export const AUDIT_LINES = 5;

type Hands = Pick<KillSwitchView, 'user' | 'admin'>;
type Hand = Hands['user'];
type AuditLine = Pick<RiskAuditEntryView, 'action' | 'actor' | 'by' | 'at' | 'reason'>;

const iso = (ms: number) => new Date(ms).toISOString();

/** True while either hand holds the switch. */
export const engaged = (hands: Hands): boolean => hands.user !== undefined || hands.admin !== undefined;

/**
 * The switch of `portfolio` as lines of text; `you` (the caller's user id) marks their own
 * entries.
 */
export function formatKillSwitch(
  portfolio: string,
  hands: Hands,
  audit: readonly AuditLine[],
  you?: string,
): string {
  const who = (by: string) => (by === you ? `${by} (you)` : by);
  const hand = (name: string, h: Hand) =>
    h === undefined ? `${name}: off` : `${name}: engaged by ${who(h.by)} at ${iso(h.at)} (${h.reason})`;
  const latest = audit.slice(-AUDIT_LINES);
  return (
    [
      `kill switch of ${portfolio}: ${engaged(hands) ? 'ENGAGED' : 'off'}`,
      `  ${hand('owner', hands.user)}`,
      `  ${hand('admin', hands.admin)}`,
      ...(latest.length === 0 ? [] : ['latest changes:']),
      ...latest.map((e) => `  ${iso(e.at)} ${e.action} by ${who(e.by)} (${e.actor}): ${e.reason}`),
    ].join('\n') + '\n'
  );
}
