/**
 * @module A bot fleet for the outage tests: the `tickline bots` {@link Bot}s driven in the test
 * process at a steady rate, with per player what the server acknowledged — so the events in the
 * log can be counted against it. `quiesce()` stops the moves and waits until every move has its
 * answer (an ack or a reject); the player's accepted moves are then its {@link MoveLedger}'s count:
 * answered seqs less rejects and less the moves its client dropped on a resume.
 */
import { Bot, BotStats, BotTransport, type BotRunOptions } from '@tickline/client/bots';
import { until } from '@tickline/testing';
import { MoveLedger } from './move-ledger.ts';

const DRIVER_PERIOD_MS = 10;
/** A late timer sends at most this much of owed moves at once (a burst trips the rate limit). */
const MAX_BACKLOG_MS = 100;

/** What one bot saw. */
export interface BotRecord {
  bot: Bot;
  playerId: string;
  /** Its moves: sent, answered, rejected, dropped on a resume. */
  moves: MoveLedger;
  acks: number;
  closed: string | undefined;
  resumed: number;
}

/** Options for {@link startOutageFleet}. */
export interface OutageFleetOptions {
  url: string;
  count: number;
  rateHz: number;
  speedPerTick: number;
  /** @default 16 */
  connectConcurrency?: number;
}

/** A running fleet. */
export interface OutageFleet {
  readonly records: readonly BotRecord[];
  readonly stats: BotStats;
  /** Acks received by all bots so far. */
  acks(): number;
  /** Stops moving and waits until every sent move is answered. */
  quiesce(timeoutMs?: number): Promise<void>;
  /** Moves again after {@link quiesce}. */
  resume(): void;
  /** Moves the server accepted, per player id. */
  accepted(): Map<string, number>;
  close(): void;
}

export async function startOutageFleet(o: OutageFleetOptions): Promise<OutageFleet> {
  const stats = new BotStats();
  const runOptions: BotRunOptions = {
    url: o.url,
    count: o.count,
    durationMs: 0,
    rateHz: o.rateHz,
    zone: undefined,
    transport: BotTransport.Ws,
    hackRatio: 0,
    speedPerTick: o.speedPerTick,
    password: `Bot-${crypto.randomUUID()}`,
    apiKey: undefined,
    connectConcurrency: o.connectConcurrency ?? 16,
    maxRejectRatio: 1,
    json: true,
  };
  const runId = Date.now().toString(36);
  const records: BotRecord[] = [];
  let next = 0;
  const starter = async () => {
    while (next < o.count) {
      const bot = await Bot.start(next++, runId, runOptions, stats);
      const record: BotRecord = {
        bot,
        playerId: bot.game.welcome!.playerId,
        moves: new MoveLedger(),
        acks: 0,
        closed: undefined,
        resumed: 0,
      };
      bot.game.on('ack', (a) => {
        record.acks++;
        record.moves.acked(a.seq);
      });
      bot.game.on('reject', (r) => record.moves.rejectedMove(r.seq));
      bot.game.on('closed', (c) => (record.closed = c.code));
      bot.game.on('resumed', (welcome) => {
        record.resumed++;
        record.moves.resumed(welcome.lastSeq);
      });
      records.push(record);
    }
  };
  await Promise.all(Array.from({ length: runOptions.connectConcurrency }, starter));

  let moving = true;
  const perMs = o.rateHz / 1000;
  let owed = 0;
  let cursor = 0;
  let lastDrive = performance.now();
  const driver = setInterval(() => {
    const now = performance.now();
    const elapsed = Math.min(now - lastDrive, MAX_BACKLOG_MS);
    lastDrive = now;
    if (!moving) return;
    owed += elapsed * perMs * records.length;
    for (; owed >= 1; owed--) {
      const record = records[cursor++ % records.length]!;
      record.bot.move(false);
      const sent = record.bot.game.prediction.pending.at(-1)?.seq;
      if (sent !== undefined) record.moves.sent(sent);
    }
  }, DRIVER_PERIOD_MS);

  return {
    records,
    stats,
    acks: () => records.reduce((sum, r) => sum + r.acks, 0),
    async quiesce(timeoutMs = 15_000) {
      moving = false;
      await until(() => records.every((r) => r.bot.game.prediction.pending.length === 0), {
        timeoutMs: timeoutMs,
        what: 'every move answered',
      });
    },
    resume() {
      lastDrive = performance.now();
      owed = 0;
      moving = true;
    },
    accepted() {
      return new Map(records.map((r) => [r.playerId, r.moves.accepted()]));
    },
    close() {
      clearInterval(driver);
      for (const r of records) r.bot.close();
    },
  };
}
