/**
 * @module The arithmetic of bench:scale's interest rows, apart from the processes so it can be
 * tested: 100 market channels, gateway g's subscribers wanting the g-th tenth of them (disjoint
 * for up to 10 gateways), the deliveries a window should hold, and a gateway's count of messages
 * it received from the delivery log read from its `/metrics` text.
 */

/** Market channels the feed publishes on, round-robin by seq. */
export const INTEREST_CHANNELS = 100;
/** The share of the channels one gateway's subscribers want. */
export const SHARE = 10;

/** The symbol of market channel `i` (canonical BASE-QUOTE: `C00-USD` … `C99-USD`). */
export function interestSymbol(i: number): string {
  return `C${String(i).padStart(2, '0')}-USD`;
}

/** Every symbol the feed publishes, seq `n` on `symbols[n % 100]`. */
export const INTEREST_SYMBOLS: readonly string[] = Array.from({ length: INTEREST_CHANNELS }, (_, i) =>
  interestSymbol(i),
);

/** The channel indexes (into {@link INTEREST_SYMBOLS}) gateway `g` of `k` wants: the g-th tenth. */
export function gatewayShare(g: number, k: number): number[] {
  const shares = INTEREST_CHANNELS / SHARE;
  if (!Number.isInteger(k) || k < 1 || k > shares)
    throw new Error(`interest rows take 1 to ${shares} gateways (a disjoint tenth each), got ${k}`);
  if (!Number.isInteger(g) || g < 0 || g >= k) throw new Error(`gateway ${g} is not one of ${k}`);
  return Array.from({ length: SHARE }, (_, i) => g * SHARE + i);
}

/** The channel of subscriber `i` of gateway `g` (round-robin over its share). */
export function subscriberChannel(g: number, k: number, i: number): number {
  const share = gatewayShare(g, k);
  return share[i % share.length]!;
}

/**
 * Subscribers per channel index when `perGateway[g]` subscribers are on gateway g of
 * `perGateway.length`, each on {@link subscriberChannel}.
 */
export function subscribersPerChannel(perGateway: readonly number[]): Uint32Array {
  const counts = new Uint32Array(INTEREST_CHANNELS);
  perGateway.forEach((n, g) => {
    for (let i = 0; i < n; i++) counts[subscriberChannel(g, perGateway.length, i)]!++;
  });
  return counts;
}

/** Deliveries the seqs `first…last` should make, seq n on channel n % 100. */
export function expectedDeliveries(first: number, last: number, perChannel: Uint32Array): number {
  let sum = 0;
  for (let seq = first; seq <= last; seq++) sum += perChannel[seq % INTEREST_CHANNELS]!;
  return sum;
}

const LOG_MESSAGES = /^tickline_realtime_log_messages_total\{([^}]*)\}\s+(\S+)/gm;

/**
 * The live messages a gateway received from the delivery log, from its Prometheus text
 * (`tickline_realtime_log_messages_total{source="live"}`); an error when the text has none.
 */
export function liveLogMessages(metricsText: string): number {
  for (const match of metricsText.matchAll(LOG_MESSAGES)) {
    if (!/(^|,)\s*source="live"/.test(match[1]!)) continue;
    const value = Number(match[2]);
    if (!Number.isFinite(value)) throw new Error(`tickline_realtime_log_messages_total is ${match[2]}`);
    return value;
  }
  throw new Error('no tickline_realtime_log_messages_total{source="live"} in the metrics');
}
