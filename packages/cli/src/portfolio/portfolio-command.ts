/** @module `tickline portfolio`, `orders` and `profit`: your paper (or bound) portfolio over the API. */
import type { Command } from 'commander';
import { apiAction, apiOptions } from '../api/api-command.ts';
import type { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';

const actions = () => import('./portfolio-actions.ts');
const portfolioOption = (c: Command) => c.option('--portfolio <id>', 'the portfolio (default: your first)');

export function registerPortfolioCommands(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  apiOptions(
    portfolioOption(program.command('portfolio').description('cash, equity, today and positions')),
  ).action(apiAction(io, setExitCode, async (o) => (await actions()).portfolioCommand(io, o)));
  apiOptions(
    portfolioOption(
      program
        .command('orders')
        .description('working orders, or with --all every order (last changed first)')
        .option('--all', 'every order, not only working ones')
        .option('--limit <n>', 'at most this many with --all (default 200, at most 1000)'),
    ),
  ).action(apiAction(io, setExitCode, async (o) => (await actions()).ordersCommand(io, o)));
  apiOptions(
    portfolioOption(
      program
        .command('profit')
        .description('realised and unrealised profit, fees, per symbol (from the portfolio and its orders)'),
    ),
  ).action(apiAction(io, setExitCode, async (o) => (await actions()).profitCommand(io, o)));
  apiOptions(
    portfolioOption(
      program
        .command('reconcile')
        .description(
          "the portfolio's books compared with its venue: reports latest first, or --now one at once",
        )
        .option('--now', 'reconcile now and print the report')
        .option('--limit <n>', 'at most this many reports (default 20, at most 100)'),
    ),
  ).action(
    apiAction(io, setExitCode, async (o) => (await import('./reconcile-actions.ts')).reconcileCommand(io, o)),
  );
}
