/** @module Routing of decoded messages after the handshake, apart so the session registry stays about sessions and links. */
import {
  GameCloseCode as CloseCode,
  MessageType,
  type GameMessage,
  type ServerMessage,
} from '@tickline/protocol';
import type { RoomSessions } from '../rooms/room-sessions.ts';
import type { Link, Session } from './session-state.ts';

/** What routing needs from the sessions: sending, closing, the wall clock and the rooms. */
export interface MessageRoutes {
  send(link: Link, message: ServerMessage): void;
  close(link: Link, code: string, message: string): void;
  now(): number;
  rooms(): RoomSessions | undefined;
}

/** A message on a joined session's connection. */
export function routeSessionMessage(
  routes: MessageRoutes,
  link: Link,
  session: Session,
  message: GameMessage,
): void {
  const playerId = session.playerId;
  switch (message.type) {
    case MessageType.Move:
      return session.runner.submit({
        kind: 'move',
        playerId,
        seq: message.seq,
        tick: message.tick,
        x: message.x,
        y: message.y,
      });
    case MessageType.Ping:
      return routes.send(link, {
        type: MessageType.Pong,
        nonce: message.nonce,
        serverTime: routes.now(),
      });
    case MessageType.HeartbeatAck:
      return;
    case MessageType.Leave:
      session.leaveSeq = message.seq;
      return session.runner.submit({ kind: 'leave', playerId, seq: message.seq, reason: 'left' });
    case MessageType.Hello:
      return routes.close(link, CloseCode.HandshakeRequired, 'hello was already accepted');
    default:
      return routes.close(link, 'GAME_PROTOCOL_UNKNOWN_TYPE', `type ${message.type} is a server message`);
  }
}

/** A message on a room's connection: pings answered here, the room's own to the room side. */
export function routeRoomMessage(routes: MessageRoutes, link: Link, message: GameMessage): void {
  switch (message.type) {
    case MessageType.Ping:
      return routes.send(link, { type: MessageType.Pong, nonce: message.nonce, serverTime: routes.now() });
    case MessageType.HeartbeatAck:
      return;
    case MessageType.RoomCommand:
    case MessageType.Leave:
      return routes.rooms()!.message(link, message);
    case MessageType.Hello:
    case MessageType.RoomJoin:
      return routes.close(link, CloseCode.HandshakeRequired, 'the room join was already accepted');
    default:
      return routes.close(link, 'GAME_PROTOCOL_UNKNOWN_TYPE', `type ${message.type} is not a room message`);
  }
}
