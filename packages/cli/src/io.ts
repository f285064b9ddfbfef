/** @module What a command reads and writes, injected so commands run in tests without a process. */
import { terminalPrompt, type Prompt } from './prompt.ts';

/** The outside world of one CLI run. */
export interface CliIo {
  /** Standard output (results). */
  out(text: string): void;
  /** Standard error (problems, progress). */
  err(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  /** Fires when the user interrupts (Ctrl-C) a long-running command such as `log tail`. */
  interrupted?: AbortSignal;
  /**
   * The HTTP port the configuration (`--config FILE`, else the environment) gives a server on this
   * machine: where API commands find it when no URL is named. The process that composes the CLI
   * knows the config schema; this package does not.
   */
  configuredPort?: (configFile: string | undefined) => number;
  /** Asks the user one line (a secret one unechoed); absent where nobody can answer. */
  prompt?: Prompt;
}

/** The real process's streams and environment. */
export function processIo(): CliIo {
  const interrupt = new AbortController();
  const onSignal = (): void => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    interrupted: interrupt.signal,
    prompt: terminalPrompt(),
  };
}
