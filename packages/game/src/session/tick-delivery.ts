/**
 * @module Sending one tick's output: a welcome when a join was applied, the ack (last applied
 * seq and authoritative position) or rejection per player, then — on broadcast ticks — each
 * viewer's interest delta (viewers that see the same players get one shared encoding). Writes are corked per connection for the tick, so one player's
 * messages of a tick leave in one syscall.
 */
import type { TickInfo } from '../loop/zone-host.ts';
import type { ZoneRunner } from '../loop/zone-runner.ts';
import {
  GameCloseCode as CloseCode,
  MessageType,
  type EntityState,
  type ServerMessage,
} from '@tickline/protocol';
import type { DeltaEncoder } from '../protocol/delta-encoder.ts';
import { RejectReason } from '../zone/errors.ts';
import type { ViewGroup } from '../zone/interest.ts';
import type { Link, Session } from './session-state.ts';

/** What delivery needs from the session layer. */
export interface Delivery {
  sessionOf(playerId: string): Session | undefined;
  send(link: Link, message: ServerMessage): void;
  /** Sends an already encoded message. */
  sendEncoded(link: Link, bytes: Uint8Array): void;
  close(link: Link, code: string, message: string): void;
  /** Forgets a session whose player already left the zone. */
  end(session: Session): void;
}

/** Sends the welcome for `session` (and, on resume, its whole current view as one delta). */
export function sendWelcome(d: Delivery, session: Session, resumed: boolean): void {
  const link = session.link;
  if (!link) return;
  const zone = session.runner.zone;
  const me = zone.player(session.playerId);
  if (!me) return;
  const { map, tickRateHz } = zone.options;
  d.send(link, {
    type: MessageType.Welcome,
    playerId: session.playerId,
    zoneId: session.runner.zoneId,
    sessionId: session.sessionId,
    tick: zone.tick,
    tickRateHz,
    x: me.x,
    y: me.y,
    width: map.width,
    height: map.height,
    lastSeq: me.lastSeq,
    resumed,
  });
  if (!resumed) return;
  const entered: EntityState[] = [];
  for (const id of zone.visibleTo(session.playerId)) {
    const p = zone.player(id);
    if (p) entered.push([id, p.x, p.y]);
  }
  d.send(link, { type: MessageType.Delta, tick: zone.tick, entered, moved: [], left: [] });
}

/** Delivers `info` (one tick of `runner`) to the connected players. */
export function deliverTick(d: Delivery, runner: ZoneRunner, info: TickInfo, deltas: DeltaEncoder): void {
  const { result, tick } = info;
  const corked = new Set<Link>();
  const linkOf = (session: Session | undefined): Link | undefined => {
    const link = session?.link;
    if (!link || session.runner !== runner) return undefined;
    if (link.connection.cork && !corked.has(link)) {
      link.connection.cork();
      corked.add(link);
    }
    return link;
  };
  try {
    for (const ack of result.acks) {
      const session = d.sessionOf(ack.playerId);
      if (!session || session.runner !== runner) continue;
      if (!session.joined) {
        session.joined = true;
        if (linkOf(session)) sendWelcome(d, session, false);
        continue;
      }
      const link = linkOf(session);
      if (link) d.send(link, { type: MessageType.Ack, seq: ack.seq, tick, x: ack.x, y: ack.y });
      if (
        session.leaveSeq !== undefined &&
        ack.seq === session.leaveSeq &&
        !runner.zone.player(ack.playerId)
      ) {
        if (link) d.close(link, CloseCode.Ended, 'left the zone');
        d.end(session);
      }
    }
    for (const r of result.rejections) {
      const session = d.sessionOf(r.playerId);
      if (!session || session.runner !== runner) continue;
      const link = linkOf(session);
      if (!session.joined) {
        // A restored zone may already hold the player: that is a join, not a failure.
        if (r.reason === RejectReason.AlreadyJoined) {
          session.joined = true;
          if (link) sendWelcome(d, session, true);
        } else {
          if (link) d.close(link, r.reason, `join refused: ${r.reason}`);
          d.end(session);
        }
        continue;
      }
      if (session.leaveSeq !== undefined && r.reason === RejectReason.NotJoined) {
        if (link) d.close(link, CloseCode.Ended, 'left the zone');
        d.end(session);
        continue;
      }
      if (link)
        d.send(link, { type: MessageType.Reject, seq: r.seq, tick, reason: r.reason, x: r.x, y: r.y });
    }
    if (result.broadcastDue) {
      const zone = runner.zone;
      deltas.nextTick();
      // A view group's delta is encoded once; its viewers get the same bytes.
      const shared = new Map<ViewGroup, Buffer>();
      zone.broadcastShared((viewerId, delta, group) => {
        const session = d.sessionOf(viewerId);
        if (!session?.joined) return;
        const link = linkOf(session);
        if (!link) return;
        if (!group) return d.sendEncoded(link, deltas.encode(tick, delta, zone.players));
        let bytes = shared.get(group);
        if (!bytes) {
          bytes = deltas.encode(tick, delta, zone.players, MessageType.SharedDelta);
          shared.set(group, bytes);
        }
        d.sendEncoded(link, bytes);
      });
    }
  } finally {
    for (const link of corked) link.connection.uncork?.();
  }
}
