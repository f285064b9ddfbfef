/**
 * @module bench:scale's interest rows: what delivery by interest saves each gateway. K real
 * `tickline start --role gateway` processes, each on its own port (not SO_REUSEPORT: a gateway's
 * subscribers must be the ones that want its tenth), on the multi rig's nats-server and relay.
 * The feed publishes trades round-robin on 100 market channels; gateway g's subscribers each want
 * one channel of the g-th disjoint tenth (interest-split.ts). Each gateway's own
 * `tickline_realtime_log_messages_total{source="live"}`, read from `/metrics` at both ends of the
 * window, is what it received from the delivery log.
 *
 * The old whole-log reading (every gateway consuming every delivery event) is no longer a gateway
 * configuration, so it is held beside the gateways instead: a reader tailing the whole delivery
 * log with a durable of its own, as each gateway used to (whole-log-reader.ts), counted over the
 * same window. Its rate is what every gateway of the old design received.
 */
import { cpuMicros, rssBytes, sumCpuMicros } from '../lib/proc-stat.ts';
import { percentile, progress } from '../lib/report.ts';
import { signUpAndIn, type ClusterProcess } from '@tickline/server/internal';
import { Recorder } from '../fanout/load/recorder.ts';
import { stopGateway, unpin, type MultiRig } from '../fanout/multi/multi-phase.ts';
import { connectAll, SETTLE_MS, sleep, STRAGGLER_MS, type Subscribers } from '../fanout/phase.ts';
import {
  expectedDeliveries,
  gatewayShare,
  INTEREST_SYMBOLS,
  liveLogMessages,
  subscribersPerChannel,
} from './interest-split.ts';
import { openWholeLogReader, type WholeLogReader } from './whole-log-reader.ts';

/** Events take the feed → relay → delivery log → gateway path: give stragglers time. */
const INTEREST_STRAGGLER_MS = STRAGGLER_MS * 2;

export interface InterestOptions {
  gateways: number;
  subscribers: number;
  /** Events/s over all 100 channels. */
  rate: number;
  warmupMs: number;
  windowMs: number;
}

export interface InterestRow {
  gateways: number;
  subscribers: number;
  /** Events/s published over all channels in the window. */
  publishedPerS: number;
  /** Messages each gateway received from the delivery log per second (its metric). */
  logPerGatewayPerS: number[];
  /** Messages per second a reader of the whole delivery log received: the old design's gateway. */
  wholeLogPerS: number;
  /** That reader's records in the window by key family (`c:market:*:trades`, …). */
  wholeLogFamilies: Record<string, number>;
  /** The stream it read and the subjects that stream captures. */
  wholeLogStream: string;
  wholeLogSubjects: string;
  deliveriesPerS: number;
  deliveredRatio: number;
  gatewayCpuPct: number;
  /** Each gateway's resident set at the window's end, MB: a process's base beside its subscribers. */
  gatewayRssMb: number[];
  relayCpuPct: number;
  natsCpuPct: number;
  p50Ms: number;
  p99Ms: number;
}

async function logMessages(gateway: ClusterProcess): Promise<number> {
  const response = await fetch(`${gateway.url}/metrics`);
  if (!response.ok) throw new Error(`${gateway.url}/metrics: HTTP ${response.status}`);
  return liveLogMessages(await response.text());
}

const channelOf = (index: number) => `market:${INTEREST_SYMBOLS[index]}:trades`;

export async function runInterestPhase(rig: MultiRig, options: InterestOptions): Promise<InterestRow> {
  const { gateways: count, subscribers, rate, warmupMs, windowMs } = options;
  const label = `interest ×${count} gateways × ${subscribers}`;
  const gateways: ClusterProcess[] = [];
  const subscribed: Subscribers[] = [];
  let whole: WholeLogReader | undefined;
  try {
    // One at a time (the first migrates); each on a port of its own.
    for (let i = 0; i < count; i++) gateways.push(await rig.cluster.start('gateway'));
    const pids = gateways.map((g) => g.child.pid!);
    for (const pid of pids) unpin(pid);
    const user = await signUpAndIn(gateways[0]!.url, `interest.${Date.now()}.${count}@example.com`);
    const perGateway = gateways.map(
      (_, g) => Math.floor(subscribers / count) + (g < subscribers % count ? 1 : 0),
    );
    const perChannel = subscribersPerChannel(perGateway);
    // Latency samples: one subscriber in BENCH_MEASURE_EVERY measures (the recorder grows if needed).
    const recorder = new Recorder(1 << 16);
    progress(`${label}: connecting, each gateway's subscribers on a disjoint tenth of 100 channels`);
    for (const [g, gateway] of gateways.entries()) {
      const port = Number(new URL(gateway.url).port);
      for (const index of gatewayShare(g, count)) {
        if (perChannel[index] === 0) continue;
        const target = {
          impl: 'tickline-ws' as const,
          port,
          cookie: user.cookie,
          sentAt: rig.feed.sentAt,
          channels: [channelOf(index)],
        };
        subscribed.push(await connectAll(perChannel[index]!, target, recorder));
      }
    }
    // After the gateways: the first one's start creates the delivery stream if the relay had not.
    whole = await openWholeLogReader(rig.cluster.env);
    await sleep(SETTLE_MS);
    progress(`${label}: publishing ${rate}/s over 100 channels, ${warmupMs / 1000} s + ${windowMs / 1000} s`);
    const natsPid = rig.cluster.nats.pid();
    const window = await rig.feed.run(
      rate,
      warmupMs,
      windowMs,
      () => ({
        // Started at the window's edge, awaited after it: a scrape takes a few ms.
        log: Promise.all(gateways.map(logMessages)),
        at: Date.now(),
        gateways: sumCpuMicros(pids),
        relay: cpuMicros(rig.relay.child.pid!),
        nats: natsPid === undefined ? NaN : cpuMicros(natsPid),
      }),
      INTEREST_SYMBOLS,
    );
    const [logBefore, logAfter] = await Promise.all([window.before.log, window.after.log]);
    await sleep(INTEREST_STRAGGLER_MS);
    for (const s of subscribed) await s.settle();
    const { before, after, elapsedMs, firstSeq, lastSeq } = window;
    const delivered = recorder.deliveredIn(firstSeq, lastSeq);
    const latencies = recorder.window(firstSeq, lastSeq);
    const errors = subscribed.reduce((sum, s) => sum + s.clients.reduce((n, c) => n + c.errors, 0), 0);
    if (errors > 0) progress(`${label}: ${errors} client errors`);
    const pct = (us: number) => (us / 1000 / elapsedMs) * 100;
    const rssMb = pids.map((pid) => rssBytes(pid) / 2 ** 20);
    // The log's records appended in the window, counted once the reader has caught up.
    const families = Object.fromEntries(whole.receivedBetween(before.at, after.at));
    const wholeLog = Object.values(families).reduce((a, b) => a + b, 0);
    return {
      gateways: count,
      subscribers,
      publishedPerS: ((lastSeq - firstSeq + 1) * 1000) / elapsedMs,
      logPerGatewayPerS: logAfter.map((n, g) => ((n - logBefore[g]!) * 1000) / elapsedMs),
      wholeLogPerS: (wholeLog * 1000) / (after.at - before.at),
      wholeLogFamilies: families,
      wholeLogStream: whole.stream,
      wholeLogSubjects: whole.subjects,
      deliveriesPerS: (delivered * 1000) / elapsedMs,
      deliveredRatio: delivered / expectedDeliveries(firstSeq, lastSeq, perChannel),
      gatewayCpuPct: pct(after.gateways - before.gateways),
      gatewayRssMb: rssMb,
      relayCpuPct: pct(after.relay - before.relay),
      natsCpuPct: pct(after.nats - before.nats),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  } finally {
    await whole?.close();
    await Promise.all(gateways.map(stopGateway));
    for (const s of subscribed) s.close();
  }
}
