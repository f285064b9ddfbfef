/** @module `tickline portfolio`, `orders`, `trades` and `profit`: your portfolio and its results over the API. */
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
  const results = (c: Command) =>
    apiOptions(
      portfolioOption(c)
        .option('--run <id>', "one live run's (tickline live list), not the whole portfolio's")
        .option('--symbol <symbol>', 'one pair only'),
    );
  results(
    program
      .command('trades')
      .description('closed trades: entry, exit, quantity, fees, duration, profit and %, exit reason')
      .option('--limit <n>', 'trades per page (default 50, at most 500)')
      .option('--cursor <cursor>', 'the next page, as the last one named it'),
  ).action(apiAction(io, setExitCode, async (o) => (await actions()).tradesCommand(io, o)));
  results(
    program
      .command('profit')
      .description('realised and unrealised profit, fees, win rate; per run, pair, exit reason and day'),
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
