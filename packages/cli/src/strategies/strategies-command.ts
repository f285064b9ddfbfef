/** @module `tickline strategies`: your strategies and their versions on a running server, over its API. */
import type { Command } from 'commander';
import { apiAction, apiOptions, print, type ApiCommandOptions } from '../api/api-command.ts';
import type { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';

const actions = () => import('./strategies-actions.ts');
type SourceOptions = ApiCommandOptions & {
  file?: string;
  template?: string;
  name?: string;
  description?: string;
};
const sourceOptions = (c: Command) =>
  c
    .option('--file <path>', 'the source, .ts or .js, written against the strategy API')
    .option('--template <id>', 'one of the templates (tickline strategies templates)');

export function registerStrategiesCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  const s = program
    .command('strategies')
    .description('your strategies and their versions on a running server');
  const act = <O extends ApiCommandOptions, A extends unknown[]>(body: (o: O, ...args: A) => Promise<void>) =>
    apiAction(io, setExitCode, body);
  apiOptions(s.command('list').description('your strategies')).action(
    act(async (o) => (await actions()).strategiesList(io, o)),
  );
  apiOptions(s.command('show <id>').description('a strategy and its versions')).action(
    act(async (o, id: string) => (await actions()).strategiesShow(io, id, o)),
  );
  apiOptions(s.command('versions <id>').description("a strategy's versions, oldest first")).action(
    act(async (o, id: string) => (await actions()).strategiesVersions(io, id, o)),
  );
  apiOptions(
    sourceOptions(
      s.command('create').description('create a strategy (its first version) from a file or a template'),
    )
      .option('--name <name>', 'its name (default: the file or template name)')
      .option('--description <text>', 'what it does')
      .addHelpText(
        'after',
        '\nExamples:\n  tickline strategies create --template trend-sma-cross\n  tickline strategies create --file sma.ts --name "SMA cross"',
      ),
  ).action(act(async (o: SourceOptions) => (await actions()).strategiesCreate(io, o)));
  apiOptions(
    sourceOptions(
      s.command('save <id>').description('save a new version of a strategy from a file or a template'),
    ),
  ).action(act(async (o: SourceOptions, id: string) => (await actions()).strategiesSave(io, id, o)));
  s.command('templates')
    .description('the templates create --template takes')
    .option('--json', 'print them as JSON')
    .action(
      act(async (o: ApiCommandOptions) => {
        const { formatTemplates } = await actions();
        const { STRATEGY_TEMPLATES } = await import('@tickline/protocol');
        print(
          io,
          o,
          STRATEGY_TEMPLATES.map(({ id, name, description }) => ({ id, name, description })),
          formatTemplates,
        );
      }),
    );
}
