/** @module Options of `tickline bots`, checked and resolved in one place. */
import { BotTransport, type BotRunOptions } from '@tickline/client/bots';
import { CliError } from '../cli-errors.ts';

export { BotTransport, type BotRunOptions };

/** Raw command-line values (strings, as commander passes them). */
export interface BotCommandOptions {
  url: string;
  count: string;
  duration: string;
  rate: string;
  zone?: string;
  transport: string;
  tcp?: boolean;
  hacks: string;
  speed: string;
  password?: string;
  apiKey?: string;
  connectConcurrency: string;
  maxRejectRatio: string;
  json?: boolean;
}

/** Default connect concurrency: sign-ups hash passwords, so a few at a time. */
export const DEFAULT_BOT_CONNECT_CONCURRENCY = 16;

function number(flag: string, raw: string, min: number, max = Infinity, integer = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value)))
    throw new CliError(
      'SERVER_INVALID_ARGUMENT',
      `${flag} must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got "${raw}"`,
    );
  return value;
}

export function resolveBotOptions(o: BotCommandOptions): BotRunOptions {
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    throw new CliError('SERVER_INVALID_ARGUMENT', `--url must be an http(s) URL, got "${o.url}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError('SERVER_INVALID_ARGUMENT', `--url must be an http(s) URL, got "${o.url}"`);
  const transport = o.tcp ? BotTransport.Tcp : o.transport;
  if (transport !== BotTransport.Ws && transport !== BotTransport.Tcp)
    throw new CliError('SERVER_INVALID_ARGUMENT', `--transport must be ws or tcp, got "${transport}"`);
  const count = number('--count', o.count, 1, 100_000, true);
  if (o.apiKey !== undefined && count > 1)
    throw new CliError(
      'SERVER_INVALID_ARGUMENT',
      '--api-key plays as one user, and one user is one player: use it with --count 1, or omit it to sign each bot up',
    );
  return {
    url: url.origin,
    count,
    durationMs: number('--duration', o.duration, 0.1, 86_400) * 1000,
    rateHz: number('--rate', o.rate, 0.1, 60),
    zone: o.zone,
    transport,
    hackRatio: number('--hacks', o.hacks, 0, 1),
    speedPerTick: number('--speed', o.speed, 0.001),
    password: o.password ?? `Bot-${crypto.randomUUID()}`,
    apiKey: o.apiKey,
    connectConcurrency: number('--connect-concurrency', o.connectConcurrency, 1, 1000, true),
    maxRejectRatio: number('--max-reject-ratio', o.maxRejectRatio, 0, 1),
    json: o.json ?? false,
  };
}
