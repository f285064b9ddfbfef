/**
 * @module `tickline login` and `tickline logout`: keep a server's URL and a token or API key for the
 * API commands (credentials.ts), checked against the server before it is stored.
 */
import type { Command } from 'commander';
import { apiClient, DEFAULT_API_URL } from '../api/api-client.ts';
import { apiAction, print } from '../api/api-command.ts';
import { credentialsPath, removeCredentials, writeCredentials } from '../api/credentials.ts';
import { badArgument } from '../cli-errors.ts';
import type { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';

interface LoginOptions {
  url?: string;
  token?: string;
  verify: boolean;
  json?: boolean;
}

export function registerLoginCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: ExitCode) => void,
): void {
  program
    .command('login')
    .description('store a server URL and a token or API key for the API commands (a 0600 file)')
    .option('--url <url>', `the server (default TICKLINE_URL, else ${DEFAULT_API_URL})`)
    .option(
      '--token <credential>',
      'an API key (recommended: it does not expire) or access token (default TICKLINE_TOKEN)',
    )
    .option('--no-verify', 'store it without asking the server who it is')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
The credential is kept in $XDG_CONFIG_HOME/tickline/credentials.json (else ~/.config/tickline/),
readable by you only. --url/--token and TICKLINE_URL/TICKLINE_TOKEN still win over it, and it is
sent only to the server it was stored for. Create an API key in the dashboard (Account → API keys).

Examples:
  tickline login --url https://tickline.example.com --token tk_…
  TICKLINE_TOKEN=tk_… tickline login`,
    )
    .action(
      apiAction(io, setExitCode, async (o: LoginOptions) => {
        const url = (o.url ?? io.env.TICKLINE_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
        const token = o.token ?? io.env.TICKLINE_TOKEN;
        if (!token) throw badArgument('--token (or TICKLINE_TOKEN) is needed: an API key or access token');
        let who: string | undefined;
        if (o.verify) {
          const me = await apiClient(io, { url, token })<{ id?: string; email?: string }>('GET', '/me');
          who = me.email ?? me.id;
        }
        const path = writeCredentials(io, { url, token, savedAt: new Date().toISOString() });
        print(
          io,
          o,
          { url, path, ...(who === undefined ? {} : { user: who }) },
          () => `logged in to ${url}${who === undefined ? '' : ` as ${who}`}; credential stored in ${path}\n`,
        );
      }),
    );
  program
    .command('logout')
    .description('forget the stored credential')
    .option('--json', 'print the result as JSON')
    .action(
      apiAction(io, setExitCode, async (o: { json?: boolean }) => {
        const removed = removeCredentials(io);
        const path = credentialsPath(io);
        print(io, o, { removed, path }, () =>
          removed ? `removed ${path}\n` : `no stored credential (${path})\n`,
        );
      }),
    );
}
