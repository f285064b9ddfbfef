/**
 * @module Players of the arena as a rules room (BENCH_ONLY=arena-rules): the game protocol's room
 * messages over WebSocket, headless like the zone row's players (`trackOthers: false`) and
 * Colyseus's non-observers — a frame is decoded only once, the first, for the player's own spawn
 * point; later frames are read for their ack alone (the SDK's `RoomClient` decodes every frame,
 * which would make the load generator, not the server, the limit). Latency is move → the ack of
 * its seq (the ack comes with the tick that applied it), on every player.
 */
import { WebSocket } from 'ws';
import { createJoinTokens, ROOM_TOKEN_SCOPE, type JoinTokens } from '@tickline/game';
import {
  decodeMessage,
  decodeRoomFrame,
  RoomView,
  encodeMessage,
  encodeRoomCommand,
  MessageType,
  type ClientMessage,
  type ServerMessage,
} from '@tickline/protocol';
import type { LoadClient, Recorder } from './recorder.ts';
import { Walker } from './rules.ts';

let tokens: JoinTokens | undefined;
let nextPlayer = 0;

/** Joins room `roomId` on `wsUrl` as a new player and resolves once its first frame arrived. */
export async function joinArenaRoom(
  wsUrl: string,
  secret: string | Uint8Array,
  roomId: string,
  recorder: Recorder,
  random: () => number,
): Promise<LoadClient> {
  tokens ??= createJoinTokens({ secret, ttlMs: 120_000 });
  const playerId = `arena-${nextPlayer++}`;
  const ws = new WebSocket(wsUrl);
  ws.binaryType = 'nodebuffer';
  const send = (m: ClientMessage) => ws.send(encodeMessage(m));
  const sentAt = new Map<number, number>();
  const hacks = new Set<number>();
  let tick = 0;
  let seq = 0;
  let acked = 0;
  let walker: Walker | undefined;
  let lastMoveTick = 0;
  const first = new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('close', () => reject(new Error(`${playerId} closed before its first frame`)));
    ws.on('message', (data: Buffer) => {
      const m = decodeMessage(data) as ServerMessage;
      switch (m.type) {
        case MessageType.RoomWelcome:
          tick = m.tick;
          return;
        case MessageType.RoomFrame: {
          tick = Math.max(tick, m.tick);
          if (!walker) {
            // The welcome's full frame (reset: every entity announced with its handle) has the spawn.
            const frame = decodeRoomFrame(m.frame);
            const me = frame.reset ? (new RoomView().apply(frame).e?.[playerId] as { x: number; y: number } | undefined) : undefined;
            if (!me) return;
            walker = new Walker(random, me.x, me.y);
            lastMoveTick = tick;
            resolve();
          }
          if (m.ack > acked) {
            const now = performance.now();
            for (const [s, at] of sentAt) {
              if (s > m.ack) break;
              recorder.latency(now - at);
              sentAt.delete(s);
            }
            if (recorder.recording) recorder.acks += m.ack - acked;
            acked = m.ack;
          }
          return;
        }
        case MessageType.RoomReject:
          if (!recorder.recording) return;
          recorder.rejects++;
          if (!hacks.delete(m.seq)) recorder.honestRejects++;
          return;
        case MessageType.Heartbeat:
          return send({ type: MessageType.HeartbeatAck, nonce: m.nonce });
        default:
          return;
      }
    });
  });
  await new Promise<void>((resolve, reject) => ws.once('open', resolve).once('error', reject));
  send({ type: MessageType.RoomJoin, token: tokens.issue(playerId, ROOM_TOKEN_SCOPE).token, room: roomId });
  await first;
  ws.on('close', () => void recorder.closed++);
  return {
    move(hack) {
      const target = hack ? walker!.hack() : walker!.step(tick - lastMoveTick);
      seq++;
      send({
        type: MessageType.RoomCommand,
        seq,
        command: encodeRoomCommand({ type: 'move', tick, x: target.x, y: target.y }),
      });
      if (hack) hacks.add(seq);
      else {
        walker!.x = target.x;
        walker!.y = target.y;
        lastMoveTick = tick;
        sentAt.set(seq, performance.now());
      }
      if (recorder.recording) {
        recorder.sent++;
        if (hack) recorder.hacks++;
      }
    },
    close() {
      ws.terminate();
      return Promise.resolve();
    },
  };
}
