/** @module `tickline version`. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ExitCode } from './exit-code.ts';
import type { CliIo } from './io.ts';

/** The server package's version. */
export function ticklineVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Adds `version`. */
export function registerVersionCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command('version')
    .description('print the tickline version and the Node.js running it')
    .option('--json', 'print {"version", "node"} as JSON')
    .addHelpText('after', '\nExample:\n  tickline version    # tickline 0.1.0 (node v24.21.0)')
    .action((options: { json?: boolean }) => {
      const version = ticklineVersion();
      io.out(
        options.json
          ? `${JSON.stringify({ version, node: process.version })}\n`
          : `tickline ${version} (node ${process.version})\n`,
      );
      setExitCode(ExitCode.Ok);
    });
}
