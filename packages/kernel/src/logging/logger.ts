/** @module The Logger every package receives: a small structural subset of pino's API. */
import { pino, type LoggerOptions } from 'pino';

type LogFn = {
  (message: string): void;
  (fields: Record<string, unknown>, message?: string): void;
};

/** What packages log through. Context is bound with `child`, never with module-level state. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  fatal: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

/** Options for {@link createLogger}. */
export interface CreateLoggerOptions {
  /** @default 'info' */
  level?: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  /** Service name bound to every line. @default 'tickline' */
  name?: string;
  /** Where lines go. @default process.stdout */
  destination?: NodeJS.WritableStream;
  /** Paths (pino redact syntax) whose values are replaced by `[redacted]`. */
  redact?: string[];
}

/** JSON lines via pino. */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'tickline',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: options.redact ?? [], censor: '[redacted]' },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}

const noop = (): void => {};

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  fatal: noop,
  child: () => silentLogger,
};
