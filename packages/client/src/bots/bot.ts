/**
 * @module One bot: its own account (signed up with a unique address), a seat from the
 * coordinator, and a {@link GameClient} that random-walks inside the zone at the configured rate,
 * now and then (with `--hacks`) trying a speed hack the server must refuse.
 */
import { createTicklineClient, isRetryableError, type TicklineClient } from '../index.ts';
import { GameClient, GameClientState, joinGame, type GameJoin } from '../game/index.ts';
import { createTcpConnector } from '../game/tcp-connector.ts';
import { BotTransport, type BotRunOptions } from './bot-run-options.ts';
import type { BotStats } from './bot-stats.ts';

/** Longest wait between a bot's resume attempts (the SDK's default is 2 s). */
const RESUME_MAX_DELAY_MS = 500;

/** Honest bots use this share of the speed budget, so tick jitter never trips the speed rule. */
const HONEST_SPEED_SHARE = 0.8;
/** A speed hack jumps this many times the honest step. */
const HACK_MULTIPLIER = 40;
const MAX_MOVE_TICKS = 10;
/** Attempts per call: sign-ups from one address meet the anonymous rate limit (60/min by default). */
const RETRY_LIMIT = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Retries a call the server throttled or could not answer (429, 5xx, network), with backoff. */
/**
 * A ticket that names no address for the bot's transport: the zone was announced a moment before
 * its process's address (a process that just started), so asking again soon finds it.
 */
class NoAddressYet extends Error {}

async function retrying<T>(call: () => Promise<T>, retryable = isRetryableError): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= RETRY_LIMIT || !retryable(error)) throw error;
      await sleep(Math.min(5000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }
}

/** A bot, connected and ready to move. */
export class Bot {
  readonly game: GameClient;
  readonly #stats: BotStats;
  readonly #options: BotRunOptions;
  readonly #hacks = new Set<number>();
  #heading = Math.random() * 2 * Math.PI;

  private constructor(game: GameClient, options: BotRunOptions, stats: BotStats) {
    this.game = game;
    this.#options = options;
    this.#stats = stats;
    game.on('ack', (a) => {
      stats.ack(a.latencyMs);
      if (this.#hacks.delete(a.seq)) stats.hacksAccepted++;
    });
    game.on('reject', (r) => stats.reject(r.reason, !this.#hacks.delete(r.seq)));
    game.on('rtt', (ms) => stats.rtt(ms));
    game.on('resumed', () => stats.resumed++);
    game.on('error', (e) => stats.error(e.code));
    game.on('closed', (c) => {
      if (c.code !== 'CLIENT_GAME_CLOSED') {
        stats.droppedForGood++;
        stats.error(c.code);
      }
    });
  }

  /** Signs up account `index` (or uses the API key), asks for a seat and connects. */
  static async start(index: number, runId: string, options: BotRunOptions, stats: BotStats): Promise<Bot> {
    const api: TicklineClient = createTicklineClient({
      baseUrl: options.url,
      ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    });
    if (options.apiKey === undefined)
      await retrying(() =>
        api.auth.signUp({ email: `bot-${runId}-${index}@bots.example.com`, password: options.password }),
      );
    const tcp = options.transport === BotTransport.Tcp;
    const first: GameJoin = await retrying(
      async () => {
        const ticket = await joinGame(api, options.zone === undefined ? {} : { zone: options.zone });
        if (!(tcp ? ticket.tcp : ticket.ws))
          throw new NoAddressYet(`zone ${ticket.zone} is not served over ${options.transport}`);
        return ticket;
      },
      (error) => error instanceof NoAddressYet || isRetryableError(error),
    );
    const url = (tcp ? first.tcp : first.ws)!;
    const game = new GameClient({
      url,
      // A resume joins its zone again through the coordinator: a fresh token, and the zone's
      // address now (another process's after a failover or a hand-off).
      token: async (resume) => {
        if (!resume) return first.token;
        const seat = await joinGame(api, { zone: first.zone });
        return { token: seat.token, url: (tcp ? seat.tcp : seat.ws) ?? url };
      },
      ...(tcp ? { connector: createTcpConnector() } : {}),
      // Retry often: after a failover the zone's new address is a second or two away.
      reconnect: { maxDelayMs: RESUME_MAX_DELAY_MS },
      // Bots never look at other players: their deltas are dropped undecoded.
      trackOthers: false,
    });
    const bot = new Bot(game, options, stats);
    await game.connect();
    return bot;
  }

  /** Sends one move: a step in the current heading, or a speed hack. */
  move(hack: boolean): void {
    const game = this.game;
    if (game.state !== GameClientState.Connected || !game.welcome) return;
    const ticks = Math.min(MAX_MOVE_TICKS, Math.max(0, game.serverTick - game.lastMoveTick));
    const step = this.#options.speedPerTick * ticks * HONEST_SPEED_SHARE;
    if (Math.random() < 0.1) this.#heading += (Math.random() - 0.5) * Math.PI;
    const { x, y } = game.position;
    const { width, height } = game.welcome;
    const margin = 2;
    let dx = Math.cos(this.#heading) * step;
    let dy = Math.sin(this.#heading) * step;
    if (x + dx < margin || x + dx > width - margin || y + dy < margin || y + dy > height - margin) {
      this.#heading += Math.PI;
      dx = dy = 0;
    }
    if (hack) {
      const jump = Math.max(step, this.#options.speedPerTick) * HACK_MULTIPLIER;
      const seq = game.moveTo(x < width / 2 ? x + jump : x - jump, y, { predict: false });
      if (seq !== undefined) this.#hacks.add(seq);
    } else if (game.move(dx, dy) === undefined) return;
    this.#stats.move(hack);
  }

  close(): void {
    this.game.close();
  }
}
