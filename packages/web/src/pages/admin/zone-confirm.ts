/**
 * @module What the Operations page asks before a zone operation: draining the only open zone
 * disconnects every player in it with no zone to go to, and only Restart (from its latest
 * snapshot) undoes it, so the question says so, with the count of players it affects.
 */
import type { ZoneStatus } from '@tickline/protocol';

/** The confirmation text for `action` on `zoneId`, given every zone's status. */
export function zoneConfirmText(
  zones: readonly Pick<ZoneStatus, 'zoneId' | 'ccu' | 'health'>[],
  zoneId: string,
  action: 'drain' | 'restart',
): string {
  if (action === 'restart')
    return `Restart ${zoneId} from its latest snapshot? Its players reconnect to the restored state.`;
  const players = zones.find((z) => z.zoneId === zoneId)?.ccu ?? 0;
  const who = players === 1 ? '1 player is' : `${players} players are`;
  const open = zones.filter((z) => z.zoneId !== zoneId && z.health !== 'draining').length;
  if (open === 0)
    return `Drain ${zoneId}? It is the only open zone: its ${who} told and disconnected with no zone to go to, and new players cannot join. Only Restart (from its latest snapshot) brings it back.`;
  return `Drain ${zoneId}? Its ${who} told and disconnected; they can join the ${open} other open zone${open === 1 ? '' : 's'}.`;
}
