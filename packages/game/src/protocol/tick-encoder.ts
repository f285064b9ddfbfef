/**
 * @module Building one tick's frames for a zone (wire format v2, `tick-frame.ts` in protocol):
 * each view body is encoded once — a view group's body once for all its viewers — into a body
 * buffer reused tick after tick; then every client's frame (its own header with the folded ack,
 * then the body's bytes) is written into one buffer for the whole tick and sent as a view of it.
 * Per tick that is one allocation, whatever the number of players; per player, the arrays it
 * touches are typed arrays indexed by slot, allocated with the zone.
 */
import {
  EMPTY_TICK_BODY_BYTES,
  encodeHandleId,
  positionStepFor,
  quantize,
  TickBodyWriter,
  TickFlag,
  tickHeaderBytes,
  writeTickHeader,
} from '@tickline/protocol';
import type { ViewDelta, ViewGroup } from '../zone/interest.ts';
import type { PlayerTable } from '../zone/player-table.ts';
import type { Zone } from '../zone/zone.ts';

const allocBuffer = (n: number): Uint8Array => Buffer.allocUnsafe(n);

/**
 * Receives one client's frame; `frame` is a view of the tick's buffer (never reused), already
 * behind the transport's header when `framed`.
 */
export type FrameSink<T> = (target: T, frame: Uint8Array, framed: boolean) => void;

/** A transport's framing (see `WireFraming` in the session layer). */
export interface FramePrefix {
  headerBytes(length: number): number;
  writeHeader(out: Uint8Array, at: number, length: number): number;
}

/** One zone's tick frames. One instance per zone; `T` is whatever the caller sends to (a link). */
export class TickEncoder<T> {
  readonly #body = new TickBodyWriter(allocBuffer);
  #capacity = 0;
  #flags = new Uint8Array(0);
  #seq = new Float64Array(0);
  #qx = new Uint16Array(0);
  #qy = new Uint16Array(0);
  #bodyStart = new Int32Array(0);
  #bodyEnd = new Int32Array(0);
  #target: Array<T | undefined> = [];
  #idBytes: Array<Uint8Array | undefined> = [];
  #idOf: Array<string | undefined> = [];
  /** Slots with a frame this tick, in planning order. */
  readonly #planned: number[] = [];
  readonly #groupStart = new Map<ViewGroup, number>();
  readonly #groupEnd = new Map<ViewGroup, number>();
  #step = 1;
  #zone: Zone | undefined;

  /** The quantization step of the zone being encoded. */
  get positionStep(): number {
    return this.#step;
  }

  /** Starts a tick of `zone`: forgets the previous tick's bodies and plan. */
  begin(zone: Zone): void {
    if (zone !== this.#zone) {
      this.#zone = zone;
      const { map, positionStep, maxPlayers } = zone.options;
      this.#step = positionStepFor(map.width, map.height, positionStep);
      if (maxPlayers !== this.#capacity) this.#resize(maxPlayers);
    }
    for (const slot of this.#planned) {
      this.#flags[slot] = 0;
      this.#target[slot] = undefined;
    }
    this.#planned.length = 0;
    this.#groupStart.clear();
    this.#groupEnd.clear();
    const body = this.#body;
    body.reset();
    // The empty body, [0, 6): frames that carry only an ack point at it.
    body.section();
    body.endSection();
    body.section();
    body.endSection();
    body.section();
    body.endSection();
  }

  #resize(capacity: number): void {
    this.#capacity = capacity;
    this.#flags = new Uint8Array(capacity);
    this.#seq = new Float64Array(capacity);
    this.#qx = new Uint16Array(capacity);
    this.#qy = new Uint16Array(capacity);
    this.#bodyStart = new Int32Array(capacity);
    this.#bodyEnd = new Int32Array(capacity);
    this.#target = new Array<T | undefined>(capacity).fill(undefined);
    this.#idBytes = new Array<Uint8Array | undefined>(capacity).fill(undefined);
    this.#idOf = new Array<string | undefined>(capacity).fill(undefined);
  }

  #plan(slot: number, target: T): void {
    if (this.#flags[slot] === 0 && this.#target[slot] === undefined) {
      this.#planned.push(slot);
      this.#bodyStart[slot] = 0;
      this.#bodyEnd[slot] = EMPTY_TICK_BODY_BYTES;
    }
    this.#target[slot] = target;
  }

  /** Folds the ack of `slot`'s last applied command (its seq and position) into its frame. */
  ack(slot: number, target: T, seq: number, x: number, y: number): void {
    this.#plan(slot, target);
    this.#flags[slot]! |= TickFlag.Ack;
    this.#seq[slot] = seq;
    this.#qx[slot] = quantize(x, this.#step);
    this.#qy[slot] = quantize(y, this.#step);
  }

  /** Gives `slot`'s frame a view body: the group's (encoded once per tick) or its own. */
  view(slot: number, target: T, delta: ViewDelta, group: ViewGroup | undefined, players: PlayerTable): void {
    this.#plan(slot, target);
    if (group) {
      const start = this.#groupStart.get(group);
      if (start !== undefined) {
        this.#bodyStart[slot] = start;
        this.#bodyEnd[slot] = this.#groupEnd.get(group)!;
        return;
      }
    }
    const start = this.#body.length;
    this.#write(delta, players);
    this.#bodyStart[slot] = start;
    this.#bodyEnd[slot] = this.#body.length;
    if (group) {
      this.#groupStart.set(group, start);
      this.#groupEnd.set(group, this.#body.length);
    }
  }

  #write(delta: ViewDelta, players: PlayerTable): void {
    const body = this.#body;
    const step = this.#step;
    const x = players.x;
    const y = players.y;
    body.section();
    for (const id of delta.left) {
      const handle = players.handleOf(id);
      if (handle !== undefined) body.left(handle);
    }
    body.endSection();
    body.section();
    for (const slot of delta.entered)
      body.entered(slot, quantize(x[slot]!, step), quantize(y[slot]!, step), this.#id(slot, players));
    body.endSection();
    body.section();
    for (const slot of delta.moved) body.moved(slot, quantize(x[slot]!, step), quantize(y[slot]!, step));
    body.endSection();
  }

  /** The UTF-8 id of the player in `slot`, encoded once per player. */
  #id(slot: number, players: PlayerTable): Uint8Array {
    const id = players.ids[slot]!;
    if (this.#idOf[slot] !== id) {
      this.#idOf[slot] = id;
      this.#idBytes[slot] = encodeHandleId(id);
    }
    return this.#idBytes[slot]!;
  }

  /**
   * Writes every planned frame into one buffer — behind its transport's header when `prefixOf`
   * gives one — and hands each to `sink`, in planning order.
   */
  flush(
    tick: number,
    sink: FrameSink<T>,
    prefixOf: (target: T) => FramePrefix | undefined = () => undefined,
  ): void {
    const planned = this.#planned;
    if (planned.length === 0) return;
    let total = 0;
    for (const slot of planned) {
      const length = tickHeaderBytes(this.#flags[slot]!) + this.#bodyEnd[slot]! - this.#bodyStart[slot]!;
      total += length + (prefixOf(this.#target[slot]!)?.headerBytes(length) ?? 0);
    }
    const out = Buffer.allocUnsafe(total);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    const body = this.#body.bytes as Buffer;
    let at = 0;
    for (const slot of planned) {
      const start = at;
      const prefix = prefixOf(this.#target[slot]!);
      if (prefix) {
        const length = tickHeaderBytes(this.#flags[slot]!) + this.#bodyEnd[slot]! - this.#bodyStart[slot]!;
        at = prefix.writeHeader(out, at, length);
      }
      at = writeTickHeader(
        out,
        view,
        at,
        tick,
        this.#flags[slot]!,
        this.#seq[slot],
        this.#qx[slot],
        this.#qy[slot],
      );
      at += body.copy(out, at, this.#bodyStart[slot], this.#bodyEnd[slot]);
      sink(this.#target[slot]!, out.subarray(start, at), prefix !== undefined);
    }
  }
}
