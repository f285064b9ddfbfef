/**
 * @module Which keys seal strategy code at rest on this install. Left at the default (the public
 * `dev` key), an embedded install generates its own key on first start and keeps it in
 * `<dataDir>/secrets/strategy-code-key` (0600), as it does the auth secret; `dev` stays readable
 * until the re-seal service has moved every old version to the new key. On PostgreSQL (several
 * processes, each with its own data directory) there is no file every process shares: a current
 * key that is the public `dev` key is refused, and the operator sets the keys.
 */
import { randomBytes } from 'node:crypto';
import { readOrCreatePrivateFile, secretsPath, TicklineError } from '@tickline/kernel';
import { DEV_CODE_KEY, DEV_CODE_KEY_ID, type StrategySettings } from './strategy-settings.ts';

/** The file that holds an embedded install's generated key. */
export const CODE_KEY_FILE = 'strategy-code-key';
/** The id versions sealed with the generated key name. */
export const INSTALL_CODE_KEY_ID = 'install';

/** Where the install keeps its files, and whether its database is PostgreSQL. */
export interface CodeKeyContext {
  dataDir: string;
  postgres: boolean;
}

/** `settings` with the keys this install seals with. @throws STRATEGY_CODE_KEY_PUBLIC on PostgreSQL */
export async function installCodeKeys(
  settings: StrategySettings,
  context: CodeKeyContext,
): Promise<StrategySettings> {
  const publicCurrent = settings.codeKeys[settings.currentKeyId] === DEV_CODE_KEY;
  if (publicCurrent && context.postgres)
    throw new TicklineError(
      'STRATEGY_CODE_KEY_PUBLIC',
      'strategy code would be sealed with the public development key: set strategy.codeKeys and strategy.currentKeyId',
      { details: { fields: ['strategy.codeKeys', 'strategy.currentKeyId'] } },
    );
  const unconfigured =
    settings.currentKeyId === DEV_CODE_KEY_ID && Object.keys(settings.codeKeys).length === 1 && publicCurrent;
  if (!unconfigured) return settings;
  const stored = await readOrCreatePrivateFile(secretsPath(context.dataDir, CODE_KEY_FILE), () =>
    randomBytes(32).toString('base64'),
  );
  return {
    ...settings,
    codeKeys: { [DEV_CODE_KEY_ID]: DEV_CODE_KEY, [INSTALL_CODE_KEY_ID]: stored.value },
    currentKeyId: INSTALL_CODE_KEY_ID,
  };
}
