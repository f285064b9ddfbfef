/** @module `tickline bots`: a load generator of game players using the TypeScript client. */
import { botFailures, type BotSummary } from '@tickline/client/bots';
import type { Command } from 'commander';
import { ExitCode } from '../exit-code.ts';
import { runCommand } from '../command-errors.ts';
import type { CliIo } from '../io.ts';
import { DEFAULT_BOT_CONNECT_CONCURRENCY, resolveBotOptions, type BotCommandOptions } from './bot-options.ts';

function printSummary(io: CliIo, s: BotSummary): void {
  const ms = (v: number) => (Number.isNaN(v) ? '-' : `${v.toFixed(1)} ms`);
  const reasons = Object.entries(s.rejectsByReason)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
  io.out(
    [
      `bots            ${s.connected} connected of ${s.bots} (${s.failedToConnect} failed, ${s.droppedForGood} dropped, ${s.resumed} resumes)`,
      `duration        ${s.durationS.toFixed(1)} s`,
      `moves sent      ${s.movesSent} (${s.hacksSent} speed hacks)`,
      `acks            ${s.acks}`,
      `rejections      ${s.rejects}${reasons ? ` (${reasons})` : ''}; honest moves rejected: ${s.honestRejects}; hacks accepted: ${s.hacksAccepted}`,
      `move → ack      p50 ${ms(s.latencyP50Ms)}, p99 ${ms(s.latencyP99Ms)}`,
      `rtt             p50 ${ms(s.rttP50Ms)}, p99 ${ms(s.rttP99Ms)}`,
      ...(s.errors.length ? [`errors          ${s.errors.join(', ')}`] : []),
      '',
    ].join('\n'),
  );
}

/** Adds `bots`. */
export function registerBotsCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command('bots')
    .description('connect N game bots (each signs up its own account), move them randomly and report')
    .option('--url <url>', 'the server HTTP origin', 'http://127.0.0.1:8080')
    .option('-n, --count <n>', 'bots', '10')
    .option('--zone <zone>', 'zone to join (default: the coordinator picks)')
    .option('--duration <seconds>', 'how long to move once all are connected', '10')
    .option('--rate <hz>', 'moves per second per bot', '10')
    .option('--transport <kind>', 'ws or tcp', 'ws')
    .option('--tcp', 'same as --transport tcp')
    .option('--hacks <ratio>', 'share of moves that are speed hacks (must be rejected)', '0')
    .option('--speed <units>', "the zone's maximum speed per tick (bots use 80%)", '0.5')
    .option('--password <password>', 'password of the bot accounts (default: random)')
    .option('--api-key <key>', "play as this API key's user instead of signing up (with --count 1)")
    .option(
      '--connect-concurrency <n>',
      'bots signing up and connecting at once',
      String(DEFAULT_BOT_CONNECT_CONCURRENCY),
    )
    .option('--max-reject-ratio <ratio>', 'fail when more honest moves than this share are rejected', '0.01')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `
Progress goes to stderr once a second; the summary to stdout. Exits 1 when a bot cannot connect,
is disconnected for good, a speed hack is accepted or too many honest moves are rejected.
Each bot signs up its own account: throttled sign-ups are retried, but for hundreds of bots raise
http.rateLimit.anonymous (or disable http.rateLimit) on the server under test.

Examples:
  tickline bots --count 50 --duration 10
  tickline bots --url http://10.0.0.5:8080 --count 500 --zone zone-1 --rate 20 --tcp
  tickline bots --count 200 --hacks 0.02 --json`,
    )
    .action(async (raw: BotCommandOptions) => {
      setExitCode(
        await runCommand(io, async () => {
          const options = resolveBotOptions(raw);
          const { runBotFleet } = await import('./bot-fleet.ts');
          const summary = await runBotFleet(io, options);
          if (options.json) io.out(`${JSON.stringify(summary)}\n`);
          else printSummary(io, summary);
          const failures = botFailures(summary, options.maxRejectRatio);
          for (const failure of failures) io.err(`failed: ${failure}\n`);
          return failures.length === 0 ? ExitCode.Ok : ExitCode.Failure;
        }),
      );
    });
}
