/** The room client's prediction and reconciliation, over a scripted connection. */
import {
  decodeMessage,
  encodeMessage,
  encodeRoomFrame,
  fieldValues,
  MessageType,
  ROOM_FRAME_VERSION,
  type ClientMessage,
  type FieldTable,
  type ServerMessage,
} from '@tickline/protocol';
import { describe, expect, it, vi } from 'vitest';
import type { GameConnector, GameSocketHandlers } from './connector.ts';
import { RoomClient } from './room-client.ts';

function scripted() {
  const sent: ClientMessage[] = [];
  let handlers: GameSocketHandlers | undefined;
  const connector: GameConnector = (_url, h) => {
    handlers = h;
    queueMicrotask(() => h.opened());
    return { send: (bytes) => void sent.push(decodeMessage(bytes) as ClientMessage), close: () => h.closed({ code: 1000, reason: '' }) };
  };
  return { sent, connector, push: (m: ServerMessage) => handlers!.message(encodeMessage(m)) };
}

const welcome: ServerMessage = {
  type: MessageType.RoomWelcome,
  playerId: 'ann',
  roomId: 'r1',
  game: 'counter',
  gameVersion: 1,
  sessionId: 's1',
  tick: 1,
  tickRateHz: 20,
  lastSeq: 0,
  resumed: false,
};
/** The counter game's field table: frames name fields by their index in it. */
const counterFields: FieldTable = { r: ['total'], e: [] };
const frame = (t: number, ack: number, r?: Record<string, unknown>, reset?: true): ServerMessage => ({
  type: MessageType.RoomFrame,
  tick: t,
  ack,
  frame: r
    ? encodeRoomFrame({ v: ROOM_FRAME_VERSION, t, r: fieldValues(counterFields.r, r), ...(reset && { reset, f: counterFields, e: [] }) })
    : new Uint8Array(0),
});

describe('room client - prediction and reconciliation', () => {
  it('shows a command at once, and the server state once it answers', async () => {
    const wire = scripted();
    const client = new RoomClient({
      url: 'ws://x',
      token: 't',
      join: { game: 'counter' },
      connector: wire.connector,
      predict: (s, c) => void (s.room.total = (s.room.total as number) + (c.by as number)),
    });
    const connecting = client.connect();
    await Promise.resolve();
    expect(wire.sent[0]).toMatchObject({ type: MessageType.RoomJoin, token: 't', game: 'counter' });
    wire.push(welcome);
    await connecting;
    wire.push(frame(1, -1, { total: 10 }, true));
    expect(client.send({ type: 'add', by: 2 })).toBe(1);
    expect(client.send({ type: 'add', by: 3 })).toBe(2);
    // Predicted before any answer; the authoritative state is untouched.
    expect(client.view.room.total).toBe(15);
    expect(client.authoritative.room.total).toBe(10);
    // The server applied seq 1 but another player's command made it 20: reconcile from there.
    wire.push(frame(2, 1, { total: 20 }));
    expect(client.pending.map((p) => p.seq)).toEqual([2]);
    expect(client.view.room.total).toBe(23);
    // Seq 2 refused: its prediction is dropped.
    const rejected = new Promise((resolve) => client.on('reject', resolve));
    wire.push({ type: MessageType.RoomReject, seq: 2, tick: 3, reason: 'TOO_MUCH', message: '' });
    expect(await rejected).toMatchObject({ seq: 2, reason: 'TOO_MUCH' });
    expect(client.view.room.total).toBe(20);
    expect(client.pending).toEqual([]);
  });

  it('entities arrive by handle and show by id; a resumed stream\'s reset brings handles and a field table of its own', async () => {
    const wire = scripted();
    const client = new RoomClient({ url: 'ws://x', token: 't', join: { room: 'r1' }, connector: wire.connector });
    const connecting = client.connect();
    await Promise.resolve();
    wire.push(welcome);
    await connecting;
    // Fields by index: `x` is field 0 of the first stream's table, field 1 of the resumed one's.
    let table: FieldTable = { r: [], e: ['x'] };
    const entityFrame = (
      t: number,
      f: { reset?: true; n?: Record<string, number>; e?: (number | Record<string, unknown>)[]; x?: number[] },
    ): ServerMessage => {
      const { e, ...rest } = f;
      return {
        type: MessageType.RoomFrame,
        tick: t,
        ack: -1,
        frame: encodeRoomFrame({
          v: ROOM_FRAME_VERSION,
          t,
          ...rest,
          ...(f.reset && { f: table }),
          ...(e && { e: e.map((v) => (typeof v === 'number' ? v : fieldValues(table.e, v)!)) }),
        }),
      };
    };
    wire.push(entityFrame(1, { reset: true, n: { ann: 0, bob: 1 }, e: [0, { x: 1 }, 1, { x: 2 }] }));
    wire.push(entityFrame(2, { e: [1, { x: 5 }] }));
    expect(Object.fromEntries(client.view.entities)).toEqual({ ann: { x: 1 }, bob: { x: 5 } });
    // Bob leaves and Cy takes his handle; then a resume (on another process) numbers them afresh.
    wire.push(entityFrame(3, { n: { cy: 1 }, e: [1, { x: 7 }], x: [1] }));
    expect(Object.fromEntries(client.view.entities)).toEqual({ ann: { x: 1 }, cy: { x: 7 } });
    wire.push({ ...welcome, tick: 9, resumed: true });
    table = { r: [], e: ['hp', 'x'] };
    wire.push(entityFrame(9, { reset: true, n: { cy: 0, ann: 1 }, e: [0, { x: 8 }, 1, { x: 1 }] }));
    wire.push(entityFrame(10, { e: [1, { x: 2 }] }));
    expect(Object.fromEntries(client.view.entities)).toEqual({ cy: { x: 8 }, ann: { x: 2 } });
  });

  it('sends commands as MessagePack room commands with increasing seq after the welcome', async () => {
    const wire = scripted();
    const client = new RoomClient({ url: 'ws://x', token: 't', join: { room: 'r1' }, connector: wire.connector });
    expect(client.send({ type: 'add', by: 1 })).toBeUndefined();
    const connecting = client.connect();
    await Promise.resolve();
    wire.push({ ...welcome, lastSeq: 4 });
    await connecting;
    expect(client.send({ type: 'add', by: 1 })).toBe(5);
    expect(wire.sent.at(-1)).toMatchObject({ type: MessageType.RoomCommand, seq: 5 });
  });
});

describe('room client - a queued player whose game process went away joins the queue again', () => {
  /** A scripted wire that hands out a new connection per connect, each recorded. */
  function wires() {
    const conns: Array<{ url: string; sent: ClientMessage[]; handlers: GameSocketHandlers }> = [];
    const connector: GameConnector = (url, handlers) => {
      const conn = { url, sent: [] as ClientMessage[], handlers };
      conns.push(conn);
      queueMicrotask(() => handlers.opened());
      return {
        send: (bytes) => void conn.sent.push(decodeMessage(bytes) as ClientMessage),
        close: () => handlers.closed({ code: 1000, reason: '' }),
      };
    };
    return { conns, connector };
  }
  /** Resolves once connection `i` of `wire` is open and has sent its join. */
  const joined = (wire: { conns: Array<{ sent: unknown[] }> }, i: number) =>
    vi.waitFor(
      () => {
        if (!wire.conns[i]?.sent.length) throw new Error(`connection ${i} has not sent its join`);
      },
      { timeout: 10_000, interval: 1 },
    );

  it('a drop with no Close (the process died), then GAME_ZONE_MOVED (a hand-off): a new ticket each time, joined by game again', async () => {
    const wire = wires();
    let tickets = 0;
    const client = new RoomClient({
      url: 'ws://east',
      token: 't0',
      join: { game: 'tag' },
      connector: wire.connector,
      requeue: async () => ({ url: `ws://west${++tickets}`, token: `t${tickets}` }),
    });
    const requeues: Array<{ attempt: number; code: string | undefined }> = [];
    client.on('requeue', (r) => void requeues.push(r));
    const connecting = client.connect();
    await joined(wire, 0);
    wire.conns[0]!.handlers.closed({ code: 1006, reason: '' });
    await joined(wire, 1);
    expect(wire.conns[1]).toMatchObject({ url: 'ws://west1' });
    expect(wire.conns[1]!.sent[0]).toMatchObject({ type: MessageType.RoomJoin, token: 't1', game: 'tag' });
    wire.conns[1]!.handlers.message(encodeMessage({ type: MessageType.Close, code: 'GAME_ZONE_MOVED', message: 'moving' }));
    wire.conns[1]!.handlers.closed({ code: 4503, reason: 'GAME_ZONE_MOVED' });
    await joined(wire, 2);
    expect(wire.conns[2]!.sent[0]).toMatchObject({ type: MessageType.RoomJoin, token: 't2', game: 'tag' });
    wire.conns[2]!.handlers.message(encodeMessage(welcome));
    expect(await connecting).toMatchObject({ roomId: 'r1' });
    expect(requeues).toEqual([
      { attempt: 1, code: undefined },
      { attempt: 2, code: 'GAME_ZONE_MOVED' },
    ]);
    expect(client.state).toBe('connected');
  });

  it('not for a refusal, a join by room, or past maxRequeues: those end the connection with their code', async () => {
    const refused = wires();
    let asked = 0;
    const requeue = async () => ({ url: `ws://x${++asked}`, token: 't' });
    const banned = new RoomClient({ url: 'ws://a', token: 't', join: { game: 'tag' }, connector: refused.connector, requeue });
    const bannedConnect = banned.connect();
    await joined(refused, 0);
    refused.conns[0]!.handlers.message(encodeMessage({ type: MessageType.Close, code: 'GAME_PLAYER_BANNED', message: 'no' }));
    refused.conns[0]!.handlers.closed({ code: 4403, reason: '' });
    await expect(bannedConnect).rejects.toMatchObject({ code: 'GAME_PLAYER_BANNED' });

    const byRoom = wires();
    const seated = new RoomClient({ url: 'ws://a', token: 't', join: { room: 'r1' }, connector: byRoom.connector, requeue });
    const seatedConnect = seated.connect();
    await joined(byRoom, 0);
    byRoom.conns[0]!.handlers.closed({ code: 1006, reason: '' });
    await expect(seatedConnect).rejects.toMatchObject({ code: 'CLIENT_GAME_CONNECT_FAILED' });

    const dead = wires();
    const bounded = new RoomClient({ url: 'ws://a', token: 't', join: { game: 'tag' }, connector: dead.connector, requeue, maxRequeues: 2 });
    const boundedConnect = bounded.connect();
    for (let i = 0; i < 3; i++) {
      await joined(dead, i);
      dead.conns[i]!.handlers.closed({ code: 1006, reason: '' });
    }
    await expect(boundedConnect).rejects.toMatchObject({ code: 'CLIENT_GAME_CONNECT_FAILED' });
    expect(dead.conns).toHaveLength(3);
    expect(asked).toBe(2);
  });
});
