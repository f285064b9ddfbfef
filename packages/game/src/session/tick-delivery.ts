/**
 * @module Sending one tick's output (wire format v2): a welcome when a join was applied,
 * rejections, then one tick frame per client with its ack folded in and — on broadcast ticks —
 * its interest changes (viewers that see the same players share one encoded body).
 */
import type { TickInfo } from '../loop/zone-host.ts';
import type { ZoneRunner } from '../loop/zone-runner.ts';
import {
  GameCloseCode as CloseCode,
  MessageType,
  positionStepFor,
  quantize,
  type EnteredEntity,
  type ServerMessage,
} from '@tickline/protocol';
import { TickEncoder } from '../protocol/tick-encoder.ts';
import { RejectReason } from '../zone/errors.ts';
import type { ViewDelta, ViewGroup } from '../zone/interest.ts';
import type { Link, Session } from './session-state.ts';

/** What delivery needs from the session layer. */
export interface Delivery {
  sessionOf(playerId: string): Session | undefined;
  send(link: Link, message: ServerMessage): void;
  /** Sends an already encoded message. */
  sendEncoded(link: Link, bytes: Uint8Array): void;
  /** Sends a message already behind its transport's header (`connection.framing`). */
  sendFramed(link: Link, framed: Uint8Array): void;
  close(link: Link, code: string, message: string): void;
  /** Forgets a session whose player already left the zone. */
  end(session: Session): void;
}

/**
 * Sends the welcome for `session` (its handle and the position step included) and, on resume,
 * a tick frame that resets the client's view to its whole current view.
 */
export function sendWelcome(d: Delivery, session: Session, resumed: boolean): void {
  const link = session.link;
  if (!link) return;
  const zone = session.runner.zone;
  const me = zone.player(session.playerId);
  const handle = zone.players.slotOf(session.playerId);
  if (!me || handle === undefined) return;
  const { map, tickRateHz } = zone.options;
  const step = positionStepFor(map.width, map.height, zone.options.positionStep);
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
    handle,
    positionStep: step,
  });
  if (!resumed) return;
  const entered: EnteredEntity[] = [];
  for (const id of zone.visibleTo(session.playerId)) {
    const slot = zone.players.slotOf(id);
    if (slot === undefined) continue;
    entered.push([slot, id, quantize(zone.players.x[slot]!, step), quantize(zone.players.y[slot]!, step)]);
  }
  d.send(link, {
    type: MessageType.Tick,
    tick: zone.tick >>> 0,
    ack: undefined,
    reset: true,
    left: [],
    entered,
    moved: [],
  });
}

/** One zone's delivery state, reused tick after tick (see {@link deliverTick}). */
export class ZoneDelivery {
  readonly encoder = new TickEncoder<Link>();
  readonly #d: Delivery;
  readonly #runner: ZoneRunner;
  readonly #corked = new Set<Link>();
  /** Each slot's session as last looked up: the tick touches every player, a map lookup each. */
  readonly #bySlot: Array<Session | undefined> = [];
  // Created once per zone, not per tick: the broadcast calls it once per viewer.
  readonly #visit = (
    viewerId: string,
    delta: ViewDelta,
    group: ViewGroup | undefined,
    slot: number,
  ): void => {
    const session = this.#sessionAt(slot, viewerId);
    if (!session?.joined) return;
    const link = session.link;
    if (!link || session.runner !== this.#runner) return;
    this.encoder.view(slot, link, delta, group, this.#runner.zone.players);
  };
  readonly #send = (link: Link, frame: Uint8Array, framed: boolean): void =>
    framed ? this.#d.sendFramed(link, frame) : this.#d.sendEncoded(link, frame);
  readonly #framing = (link: Link) => (link.connection.sendFramed ? link.connection.framing : undefined);

  constructor(d: Delivery, runner: ZoneRunner) {
    this.#d = d;
    this.#runner = runner;
  }

  /**
   * Delivers one tick: a welcome when a join was applied, rejections as they are, then one frame
   * per client holding its ack (the last applied seq and its position) and — on broadcast ticks —
   * its view changes. Writes are corked per connection for the tick, so a client's messages of a
   * tick leave in one syscall.
   */
  deliver(info: TickInfo): void {
    const d = this.#d;
    const runner = this.#runner;
    const { result, tick } = info;
    const zone = runner.zone;
    const encoder = this.encoder;
    const corked = this.#corked;
    encoder.begin(zone);
    try {
      for (const ack of result.acks) {
        const session = this.#sessionAt(ack.slot, ack.playerId);
        if (!session || session.runner !== runner) continue;
        if (!session.joined) {
          session.joined = true;
          if (this.#cork(session)) sendWelcome(d, session, false);
          continue;
        }
        const link = session.link;
        if (session.leaveSeq !== undefined && ack.seq === session.leaveSeq && !zone.player(ack.playerId)) {
          if (link) d.close(link, CloseCode.Ended, 'left the zone');
          d.end(session);
          continue;
        }
        if (link && !link.closed) encoder.ack(ack.slot, link, ack.seq, ack.x, ack.y);
      }
      for (const r of result.rejections) {
        const session = d.sessionOf(r.playerId);
        if (!session || session.runner !== runner) continue;
        const link = this.#cork(session);
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
      if (result.broadcastDue) zone.broadcastShared(this.#visit);
      encoder.flush(tick, this.#send, this.#framing);
    } finally {
      for (const link of corked) link.connection.uncork?.();
      corked.clear();
    }
  }

  /** The session of the player in `slot` (or that had it, for a leave's ack). */
  #sessionAt(slot: number, playerId: string): Session | undefined {
    let session = this.#bySlot[slot];
    if (session === undefined || session.ended || session.playerId !== playerId) {
      session = this.#d.sessionOf(playerId);
      if (slot >= 0) this.#bySlot[slot] = session;
    }
    return session;
  }

  /** The session's link, corked for the rest of the tick. */
  #cork(session: Session): Link | undefined {
    const link = session.link;
    if (!link || session.runner !== this.#runner) return undefined;
    if (link.connection.cork && !this.#corked.has(link)) {
      link.connection.cork();
      this.#corked.add(link);
    }
    return link;
  }
}
