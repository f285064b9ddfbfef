/**
 * @module The game messages, shared by the game server and the SDK. On the wire each message is a
 * MessagePack array `[version, type, ...fields]`: positional fields keep frames small at 20 Hz —
 * except the per-tick {@link TickMessage}, a fixed binary layout (`tick-frame.ts`) with compact
 * player handles and quantized positions.
 */

/**
 * The protocol version every message carries. v2 replaced the v1 `Ack`, `Delta` and
 * `SharedDelta` messages (codes 65, 67, 73, now retired) by the binary {@link TickMessage}.
 */
export const GAME_PROTOCOL_VERSION = 2;

/** Message type codes. Client → server below 64, server → client from 64. */
export const MessageType = {
  Hello: 1,
  Move: 2,
  Ping: 3,
  Leave: 4,
  HeartbeatAck: 5,
  RoomJoin: 6,
  RoomCommand: 7,
  Welcome: 64,
  Reject: 66,
  Notice: 68,
  Pong: 69,
  Error: 70,
  Close: 71,
  Heartbeat: 72,
  Tick: 74,
  RoomWelcome: 75,
  RoomFrame: 76,
  RoomReject: 77,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** A visible player as the SDK presents it: id and position (dequantized). */
export type EntityState = [id: string, x: number, y: number];
/** A player entering a viewer's view on the wire: its handle, id and quantized position. */
export type EnteredEntity = [handle: number, id: string, qx: number, qy: number];
/** A visible player that moved: its handle and quantized position. */
export type MovedEntity = [handle: number, qx: number, qy: number];

export interface HelloMessage {
  type: typeof MessageType.Hello;
  token: string;
  resumeSession?: string;
}
export interface MoveMessage {
  type: typeof MessageType.Move;
  seq: number;
  tick: number;
  x: number;
  y: number;
}
export interface PingMessage {
  type: typeof MessageType.Ping;
  nonce: number;
}
export interface LeaveMessage {
  type: typeof MessageType.Leave;
  seq: number;
}
/** The answer to a server {@link HeartbeatMessage}, echoing its nonce. */
export interface HeartbeatAckMessage {
  type: typeof MessageType.HeartbeatAck;
  nonce: number;
}

export interface WelcomeMessage {
  type: typeof MessageType.Welcome;
  playerId: string;
  zoneId: string;
  sessionId: string;
  tick: number;
  tickRateHz: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** The last client seq the zone applied: after a resume, resend only commands after it. */
  lastSeq: number;
  /** True when this hello resumed an existing session (the player kept its place). */
  resumed: boolean;
  /** The player's own handle in this zone: a client skips it in shared tick bodies. */
  handle: number;
  /** World units per quantization step of every position in tick frames (see `tick-frame.ts`). */
  positionStep: number;
}
/** The server's last applied client command, folded into a {@link TickMessage}. */
export interface TickAck {
  /** The last client seq the zone applied (accepted or rejected) — it settles pending inputs. */
  seq: number;
  /** The player's authoritative position after it, quantized. */
  qx: number;
  qy: number;
}
export interface RejectMessage {
  type: typeof MessageType.Reject;
  seq: number;
  tick: number;
  reason: string;
  x: number;
  y: number;
}
/**
 * One tick for one client, in one frame: the ack of its last applied command (when the zone
 * applied one since the previous frame) and the changes of its view — players that left (by
 * handle), entered (handle, id, position: the only place an id travels) and moved. The view part
 * may be shared by every viewer of a region, the receiver included: a client skips its own handle.
 * With `reset`, the client first forgets its whole view (after a resume or a zone recovery).
 */
export interface TickMessage {
  type: typeof MessageType.Tick;
  tick: number;
  ack: TickAck | undefined;
  reset: boolean;
  left: number[];
  entered: EnteredEntity[];
  moved: MovedEntity[];
}
/** What the SDK makes of a tick frame's view part: ids and world positions. */
export interface DeltaMessage {
  tick: number;
  entered: EntityState[];
  moved: EntityState[];
  left: string[];
}
export interface NoticeMessage {
  type: typeof MessageType.Notice;
  level: 'info' | 'warn';
  text: string;
}
export interface PongMessage {
  type: typeof MessageType.Pong;
  nonce: number;
  serverTime: number;
}
export interface ErrorMessage {
  type: typeof MessageType.Error;
  code: string;
  message: string;
}
/** The last message before the server closes a connection: why (a stable `GAME_*` code). */
export interface CloseMessage {
  type: typeof MessageType.Close;
  code: string;
  message: string;
}
/**
 * The server's heartbeat: a client answers with {@link HeartbeatAckMessage}. A client silent for
 * the idle timeout is closed; a client that hears nothing for long should reconnect and resume.
 */
export interface HeartbeatMessage {
  type: typeof MessageType.Heartbeat;
  nonce: number;
  tick: number;
  serverTime: number;
}

/**
 * Joins a rules room (a game of the rules API) instead of a zone: by `room` id, or by `game` type
 * (the server fills an open room of that type or makes one), or a private room by its `code`.
 * Takes the place of hello on a connection; `leave` leaves the room.
 */
export interface RoomJoinMessage {
  type: typeof MessageType.RoomJoin;
  token: string;
  room?: string;
  game?: string;
  code?: string;
}
/** One of the room's game commands: `command` is the MessagePack of `{ type, …payload }`. */
export interface RoomCommandMessage {
  type: typeof MessageType.RoomCommand;
  seq: number;
  command: Uint8Array;
}
/** The room took the player: what it plays and where its sequence stands. The first frame follows. */
export interface RoomWelcomeMessage {
  type: typeof MessageType.RoomWelcome;
  playerId: string;
  roomId: string;
  game: string;
  gameVersion: number;
  sessionId: string;
  tick: number;
  tickRateHz: number;
  /** The last command seq the room applied for this player (after a rejoin, resend only later ones). */
  lastSeq: number;
  resumed: boolean;
}
/**
 * One room tick for one client: the last command seq the room applied for it (accepted or
 * rejected; -1 when none since the previous frame), and the room's delta frame (a MessagePack
 * `RoomFrame`, see `room-frame.ts`; empty when only the ack changed).
 */
export interface RoomFrameMessage {
  type: typeof MessageType.RoomFrame;
  tick: number;
  ack: number;
  frame: Uint8Array;
}
/** The room refused a join (seq 0) or a command: the game's reason code or a `GAME_*` code. */
export interface RoomRejectMessage {
  type: typeof MessageType.RoomReject;
  seq: number;
  tick: number;
  reason: string;
  message: string;
}

export type ClientMessage =
  | HelloMessage
  | MoveMessage
  | PingMessage
  | LeaveMessage
  | HeartbeatAckMessage
  | RoomJoinMessage
  | RoomCommandMessage;
export type ServerMessage =
  | WelcomeMessage
  | TickMessage
  | RejectMessage
  | NoticeMessage
  | PongMessage
  | ErrorMessage
  | CloseMessage
  | HeartbeatMessage
  | RoomWelcomeMessage
  | RoomFrameMessage
  | RoomRejectMessage;
export type GameMessage = ClientMessage | ServerMessage;
