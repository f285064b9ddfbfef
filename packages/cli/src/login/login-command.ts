/**
 * @module `tickline login` and `tickline logout`: keep a server's URL and a token or API key for the
 * API commands (credentials.ts), checked against the server before it is stored. Without a token,
 * login asks for the email and password (and a two-factor code when the account has one) and
 * stores an API key made for this machine (password-login.ts).
 */
import type { Command } from 'commander';
import { apiClient, DEFAULT_API_URL } from '../api/api-client.ts';
import { apiAction, print } from '../api/api-command.ts';
import { credentialsPath, removeCredentials, writeCredentials } from '../api/credentials.ts';
import { passwordLogin } from './password-login.ts';
import type { ExitCode } from '../exit-code.ts';
import type { CliIo } from '../io.ts';

interface LoginOptions {
  url?: string;
  token?: string;
  email?: string;
  code?: string;
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
    .description(
      'sign in with your email and password, or store a token or API key, for the API commands (a 0600 file)',
    )
    .option('--url <url>', `the server (default TICKLINE_URL, else ${DEFAULT_API_URL})`)
    .option(
      '--token <credential>',
      'an API key (recommended: it does not expire) or access token (default TICKLINE_TOKEN)',
    )
    .option('--email <email>', 'sign in as this account (the password is asked for, never an argument)')
    .option('--code <code>', 'a two-factor (TOTP or recovery) code, when the account asks for one')
    .option('--no-verify', 'with --token: store it without asking the server who it is')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Without --token (or TICKLINE_TOKEN) login asks for your email, password and, if your account
has two-factor sign-in, a code; it then makes an API key named "tickline CLI on <host>" with the
scopes your role allows (revoke it in the dashboard: Account → API keys) and stores that key.
The credential is kept in $XDG_CONFIG_HOME/tickline/credentials.json (else ~/.config/tickline/),
readable by you only. --url/--token and TICKLINE_URL/TICKLINE_TOKEN still win over it, and it is
sent only to the server it was stored for.

Examples:
  tickline login --url https://tickline.example.com          # asks for email and password
  printf '%s\n' "$PASSWORD" | tickline login --email ada@example.com
  tickline login --url https://tickline.example.com --token tk_…`,
    )
    .action(
      apiAction(io, setExitCode, async (o: LoginOptions) => {
        const url = (o.url ?? io.env.TICKLINE_URL ?? DEFAULT_API_URL).replace(/\/+$/, '');
        let token = o.token ?? io.env.TICKLINE_TOKEN;
        let who: string | undefined;
        if (!token) {
          const signedIn = await passwordLogin(io, url, {
            ...(o.email === undefined ? {} : { email: o.email }),
            ...(o.code === undefined ? {} : { code: o.code }),
          });
          token = signedIn.key;
          who = signedIn.email;
          io.err(`made API key "${signedIn.keyName}" (revoke it in the dashboard: Account → API keys)\n`);
        } else if (o.verify) {
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
