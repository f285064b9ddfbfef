/**
 * @module Streaming SMA, EMA and WMA. Each keeps the state of the committed bars and derives the
 * value of the forming bar from it, so `replace` is O(1) and never double-counts.
 */
import { checkPeriod } from './shared.ts';

/** Streaming simple moving average. */
export class SmaStream {
  readonly period: number;
  readonly #ring: Float64Array;
  #head = 0;
  #sum = 0;
  #committed = 0;
  #untilRecompute: number;
  #forming = NaN;
  #hasForming = false;

  constructor(period: number) {
    checkPeriod(period);
    this.period = period;
    this.#ring = new Float64Array(period);
    this.#untilRecompute = period;
  }

  /** Appends a bar; returns the SMA including it (`NaN` in warm-up). */
  update(value: number): number {
    if (this.#hasForming) this.#commit(this.#forming);
    this.#hasForming = true;
    return this.replace(value);
  }

  /** Revises the forming bar without advancing. */
  replace(value: number): number {
    this.#hasForming = true;
    this.#forming = value;
    if (this.#committed < this.period - 1) return NaN;
    return (this.#sum - this.#ring[this.#head]! + value) / this.period;
  }

  #commit(value: number): void {
    const ring = this.#ring;
    this.#sum += value - ring[this.#head]!;
    ring[this.#head] = value;
    this.#head = this.#head + 1 === this.period ? 0 : this.#head + 1;
    this.#committed++;
    if (--this.#untilRecompute === 0) {
      this.#untilRecompute = this.period;
      let s = 0;
      for (let i = 0; i < this.period; i++) s += ring[i]!;
      this.#sum = s;
    }
  }
}

/** Streaming EMA seeded with the SMA of the first `period` values. */
export class EmaStream {
  readonly period: number;
  readonly #alpha: number;
  #prev = NaN;
  /** The forming bar's value, adopted as-is on commit (no second evaluation). */
  #cur = NaN;
  #seedSum = 0;
  #committed = 0;
  /** At least `period` bars committed: the fast path. */
  #steady = false;
  #forming = NaN;
  #hasForming = false;

  constructor(period: number) {
    checkPeriod(period);
    this.period = period;
    this.#alpha = 2 / (period + 1);
  }

  /** Appends a bar; returns the EMA including it (`NaN` in warm-up). */
  update(value: number): number {
    if (this.#steady) {
      // Past warm-up, committing the forming bar is adopting its value: one multiply-add per bar.
      const prev = (this.#prev = this.#cur);
      return (this.#cur = prev + this.#alpha * (value - prev));
    }
    if (this.#hasForming) {
      if (this.#committed >= this.period - 1) this.#prev = this.#cur;
      else this.#seedSum += this.#forming;
      this.#steady = ++this.#committed >= this.period;
    }
    return this.replace(value);
  }

  /** Revises the forming bar without advancing. */
  replace(value: number): number {
    if (this.#steady) return (this.#cur = this.#prev + this.#alpha * (value - this.#prev));
    this.#hasForming = true;
    this.#forming = value;
    if (this.#committed === this.period - 1) return (this.#cur = (this.#seedSum + value) / this.period);
    return NaN;
  }
}

/** Streaming linearly weighted moving average (newest weight `period`). */
export class WmaStream {
  readonly period: number;
  readonly #ring: Float64Array;
  readonly #denom: number;
  #head = 0;
  #sum = 0;
  #num = 0;
  #committed = 0;
  #untilRecompute: number;
  #forming = NaN;
  #hasForming = false;

  constructor(period: number) {
    checkPeriod(period);
    this.period = period;
    this.#ring = new Float64Array(period);
    this.#denom = (period * (period + 1)) / 2;
    this.#untilRecompute = period;
  }

  /** Appends a bar; returns the WMA including it (`NaN` in warm-up). */
  update(value: number): number {
    if (this.#hasForming) this.#commit(this.#forming);
    this.#hasForming = true;
    return this.replace(value);
  }

  /** Revises the forming bar without advancing. */
  replace(value: number): number {
    this.#hasForming = true;
    this.#forming = value;
    if (this.#committed < this.period - 1) return NaN;
    return (this.#num + this.period * value - this.#sum) / this.#denom;
  }

  #commit(value: number): void {
    const ring = this.#ring;
    this.#num += this.period * value - this.#sum;
    this.#sum += value - ring[this.#head]!;
    ring[this.#head] = value;
    this.#head = this.#head + 1 === this.period ? 0 : this.#head + 1;
    this.#committed++;
    if (--this.#untilRecompute === 0) {
      this.#untilRecompute = this.period;
      // Oldest sits at head after the write; weights rise 1..period towards the newest.
      let s = 0;
      let num = 0;
      for (let k = 0, i = this.#head; k < this.period; k++, i = i + 1 === this.period ? 0 : i + 1) {
        s += ring[i]!;
        num += (k + 1) * ring[i]!;
      }
      this.#sum = s;
      this.#num = num;
    }
  }
}
