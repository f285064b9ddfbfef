/**
 * @module Minimal load-generator clients on raw TCP sockets, so 5,000 of them fit on one core
 * without becoming the bottleneck: a WebSocket handshake and frame parser (answering pings), an
 * SSE reader, and the Engine.IO/Socket.IO handshake on top of the WebSocket one. Each finds
 * `"seq":` and `"ts":` in a message with one byte search.
 *
 * A measuring client reads as soon as data arrives and records each message's latency. A counting
 * client is paused once subscribed and read by {@link Drainer} a few times a second, several
 * messages per read: it counts deliveries without costing the load generator a wake-up and a read
 * per message — the cost that, on a 2-core machine, otherwise competes with the servers measured.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { BENCH_CHANNEL, isGraphql, type Wire } from '../ipc.ts';
import { nowMs } from '../payload.ts';
import { GRAPHQL_BENCH_QUERY, GRAPHQL_BENCH_TOKEN } from '../peers/tickline-graphql.ts';
import type { Recorder } from './recorder.ts';

const SEQ = Buffer.from('"seq":');
const TS = Buffer.from('"ts":');
const HEADER_END = Buffer.from('\r\n\r\n');
const SSE_END = Buffer.from('\n\n');
const READ_BUFFER = Buffer.alloc(256 * 1024);
/** The subscribe frame's payload for `channels` (built once per list: every client sends one). */
const subscribeFrames = new Map<string, Buffer>();
function subscribePayload(channels: readonly string[]): Buffer {
  const key = channels.join(',');
  let frame = subscribeFrames.get(key);
  if (!frame)
    subscribeFrames.set(key, (frame = Buffer.from(JSON.stringify({ type: 'subscribe', channels }))));
  return frame;
}
// graphql-transport-ws: init with the credential, then one subscription once acknowledged.
const GRAPHQL_INIT = Buffer.from(
  JSON.stringify({ type: 'connection_init', payload: { authorization: GRAPHQL_BENCH_TOKEN } }),
);
const graphqlSubscribe = (id: string) =>
  clientFrame(
    1,
    Buffer.from(JSON.stringify({ id, type: 'subscribe', payload: { query: GRAPHQL_BENCH_QUERY } })),
  );
/** The `tickline-graphql` row's clients all number their one subscription "1". */
const GRAPHQL_SUBSCRIBE_1 = graphqlSubscribe('1');

export interface ClientTarget {
  impl: Wire;
  port: number;
  cookie: string | undefined;
  /**
   * Publish times by seq (ms, {@link nowMs}) when the publisher is this process: the message then
   * needs no `"ts":` (a validated `market.trade` has no such field).
   */
  sentAt?: Float64Array;
  /** The channels a Tickline client subscribes to; [BENCH_CHANNEL] when absent. */
  channels?: readonly string[];
}

/** Parses a JSON number at `pos` (digits, optional fraction). */
function readNumber(buf: Buffer, pos: number): number {
  let value = 0;
  let i = pos;
  for (; i < buf.length; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) break;
    value = value * 10 + (c - 48);
  }
  if (buf[i] === 46) {
    let scale = 0.1;
    for (i++; i < buf.length; i++) {
      const c = buf[i]!;
      if (c < 48 || c > 57) break;
      value += (c - 48) * scale;
      scale /= 10;
    }
  }
  return value;
}

/** A masked client frame (the all-zero mask is valid and leaves the payload as is). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  if (payload.length <= 125)
    return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]);
  if (payload.length > 0xffff) throw new Error('client frames here are small');
  const header = Buffer.from([0x80 | opcode, 0x80 | 126, 0, 0, 0, 0, 0, 0]);
  header.writeUInt16BE(payload.length, 2);
  return Buffer.concat([header, payload]);
}

export class RawClient {
  readonly ready: Promise<void>;
  /** Messages seen (any seq). */
  received = 0;
  errors = 0;
  readonly #socket: Socket;
  readonly #impl: Wire;
  readonly #recorder: Recorder;
  readonly #sentAt: Float64Array | undefined;
  readonly #measures: boolean;
  readonly #channels: readonly string[];
  #carry: Buffer | undefined;
  #headersDone = false;
  #isReady = false;
  #resolveReady!: () => void;
  #fail!: (error: Error) => void;

  /** `measures` false: a counting client (see the module note); {@link Drainer} reads it. */
  constructor(target: ClientTarget, recorder: Recorder, measures = true) {
    this.#impl = target.impl;
    this.#recorder = recorder;
    this.#sentAt = target.sentAt;
    this.#measures = measures;
    this.#channels = target.channels ?? [BENCH_CHANNEL];
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#fail = reject;
    });
    // Reads land in one shared buffer (no Buffer per read); it is parsed before the next read.
    const socket = connect({
      port: target.port,
      host: '127.0.0.1',
      noDelay: true,
      onread: {
        buffer: READ_BUFFER,
        callback: (bytes: number) => {
          this.#onData(READ_BUFFER.subarray(0, bytes));
          // false pauses the socket until the drainer resumes it.
          return this.#measures || !this.#isReady;
        },
      },
    });
    this.#socket = socket;
    socket.on('error', (error) => {
      this.errors++;
      this.#fail(error);
    });
    socket.write(this.#request(target));
  }

  get isWebSocket(): boolean {
    return this.#impl !== 'raw-sse' && this.#impl !== 'tickline-sse';
  }

  #markReady(): void {
    this.#isReady = true;
    this.#resolveReady();
  }

  destroy(): void {
    this.#socket.destroy();
  }

  /** Reads what a paused counting client has waiting (one read, then paused again). */
  drain(): void {
    if (!this.#socket.destroyed) this.#socket.resume();
  }

  #request(target: ClientTarget): string {
    const cookie = target.cookie ? `Cookie: ${target.cookie}\r\n` : '';
    const host = `Host: 127.0.0.1:${target.port}\r\n`;
    const path =
      target.impl === 'tickline-sse'
        ? `/api/v1/stream?channels=${this.#channels.join(',')}`
        : target.impl === 'tickline-ws'
          ? '/api/v1/ws'
          : isGraphql(target.impl)
            ? '/api/v1/graphql'
            : target.impl === 'socketio'
              ? '/socket.io/?EIO=4&transport=websocket'
              : '/';
    if (!this.isWebSocket) return `GET ${path} HTTP/1.1\r\n${host}Accept: text/event-stream\r\n${cookie}\r\n`;
    const protocol = isGraphql(target.impl) ? 'Sec-WebSocket-Protocol: graphql-transport-ws\r\n' : '';
    return (
      `GET ${path} HTTP/1.1\r\n${host}Upgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${protocol}${cookie}\r\n`
    );
  }

  #onData(chunk: Buffer): void {
    const now = nowMs();
    let buf = this.#carry ? Buffer.concat([this.#carry, chunk]) : chunk;
    this.#carry = undefined;
    if (!this.#headersDone) {
      const end = buf.indexOf(HEADER_END);
      if (end === -1) {
        this.#carry = Buffer.from(buf);
        return;
      }
      const status = buf.toString('latin1', 9, 12);
      const expected = this.isWebSocket ? '101' : '200';
      if (status !== expected) {
        this.#fail(
          new Error(`${this.#impl}: HTTP ${status}: ${buf.toString('latin1', 0, Math.min(buf.length, 300))}`),
        );
        this.#socket.destroy();
        return;
      }
      this.#headersDone = true;
      buf = buf.subarray(end + 4);
      if (this.#impl === 'tickline-ws') this.#socket.write(clientFrame(1, subscribePayload(this.#channels)));
      if (isGraphql(this.#impl)) this.#socket.write(clientFrame(1, GRAPHQL_INIT));
      if (this.#impl === 'raw-ws' || this.#impl === 'raw-sse') this.#markReady();
    }
    if (this.isWebSocket) this.#frames(buf, now);
    else this.#sse(buf, now);
  }

  #frames(buf: Buffer, now: number): void {
    let pos = 0;
    while (buf.length - pos >= 2) {
      const opcode = buf[pos]! & 0x0f;
      let length = buf[pos + 1]! & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buf.length - pos < 4) break;
        length = buf.readUInt16BE(pos + 2);
        header = 4;
      } else if (length === 127) {
        if (buf.length - pos < 10) break;
        length = Number(buf.readBigUInt64BE(pos + 2));
        header = 10;
      }
      if (buf.length - pos < header + length) break;
      const start = pos + header;
      pos = start + length;
      if (opcode === 1) this.#text(buf, start, pos, now);
      else if (opcode === 9) this.#socket.write(clientFrame(10, buf.subarray(start, pos)));
    }
    if (pos < buf.length) this.#carry = Buffer.from(buf.subarray(pos));
  }

  #text(buf: Buffer, start: number, end: number, now: number): void {
    if (this.#impl === 'socketio') {
      const first = buf[start]!;
      if (first === 0x32 && end - start === 1)
        return void this.#socket.write(clientFrame(1, Buffer.from('3'))); // ping → pong
      if (first === 0x30) return void this.#socket.write(clientFrame(1, Buffer.from('40'))); // open → connect
      if (first === 0x34 && buf[start + 1] === 0x30) return this.#markReady(); // connected
    }
    if (!this.#measure(buf, start, end, now) && !this.#isReady && this.#impl === 'tickline-ws') {
      if (buf.indexOf('"subscribed"', start) !== -1) this.#markReady();
    }
    // graphql-ws acknowledges no subscription: subscribed once sent after the connection's ack.
    if (!this.#isReady && isGraphql(this.#impl) && buf.indexOf('"connection_ack"', start) !== -1) {
      // `-ids`: a random id per subscription, as graphql-ws's own client picks.
      this.#socket.write(
        this.#impl === 'tickline-graphql' ? GRAPHQL_SUBSCRIBE_1 : graphqlSubscribe(randomUUID()),
      );
      this.#markReady();
    }
  }

  #sse(buf: Buffer, now: number): void {
    const last = buf.lastIndexOf(SSE_END);
    if (last === -1) {
      this.#carry = Buffer.from(buf);
      return;
    }
    let pos = 0;
    while (pos < last) {
      const at = buf.indexOf(SEQ, pos);
      if (at === -1 || at > last) break;
      this.#measure(buf, at, last, now);
      pos = at + SEQ.length;
    }
    if (!this.#isReady && this.#impl === 'tickline-sse' && buf.indexOf('event: subscribed') !== -1)
      this.#markReady();
    // What follows the last complete event is kept for the next read, unless it is only the
    // chunk's closing CRLF: carrying those two bytes would cost a copy of every next read.
    let rest = last + 2;
    while (rest < buf.length && (buf[rest] === 13 || buf[rest] === 10)) rest++;
    if (rest < buf.length) this.#carry = Buffer.from(buf.subarray(rest));
  }

  /** Records the message whose `"seq":` is at or after `start`; false when there is none. */
  #measure(buf: Buffer, start: number, end: number, now: number): boolean {
    const at = buf.indexOf(SEQ, start);
    if (at === -1 || at >= end) return false;
    const seq = readNumber(buf, at + SEQ.length);
    if (!this.#measures) {
      this.#recorder.count(seq);
      this.received++;
      return true;
    }
    if (this.#sentAt) {
      const sent = this.#sentAt[seq];
      if (sent === undefined || sent === 0) return false;
      this.#recorder.record(seq, now - sent);
      this.received++;
      return true;
    }
    const ts = buf.indexOf(TS, at);
    if (ts === -1 || ts >= end) return false;
    this.#recorder.record(seq, now - readNumber(buf, ts + TS.length));
    this.received++;
    return true;
  }
}

/**
 * Resumes the paused counting clients in slices, each once per period, so a drain never holds the
 * load generator for long while measuring clients wait to be read.
 */
export class Drainer {
  static readonly PERIOD_MS = 1_000;
  static readonly SLICES = 50;
  readonly #clients: RawClient[] = [];
  readonly #timer: NodeJS.Timeout;
  #next = 0;

  constructor() {
    this.#timer = setInterval(() => this.#tick(), Drainer.PERIOD_MS / Drainer.SLICES);
  }

  add(client: RawClient): void {
    this.#clients.push(client);
  }

  /** Drains every counting client now (before counts are read). */
  drainAll(): void {
    for (const client of this.#clients) client.drain();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const slice = Math.ceil(this.#clients.length / Drainer.SLICES);
    for (let i = 0; i < slice; i++) {
      this.#clients[this.#next % this.#clients.length]!.drain();
      this.#next = (this.#next + 1) % this.#clients.length;
    }
  }
}
