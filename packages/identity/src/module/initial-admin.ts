/**
 * @module The first-run admin: when the users table is empty, create an `admin` account with a
 * random password, say once where it is (log line on stdout; never the password itself) and keep the credentials in
 * `${dataDir}/secrets/initial-admin.txt` (0600). Later starts find a user and do nothing.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { createPrivateFile, secretsPath, type Logger } from '@tickline/kernel';
import type { SqlQueryable } from '@tickline/store';
import { isEmailTakenError } from '../errors.ts';
import type { IdentityService } from '../service/identity-service.ts';

export const INITIAL_ADMIN_FILE = 'initial-admin.txt';
/** 18 random bytes: a 24-character base64url password (144 bits). */
const PASSWORD_BYTES = 18;

/** Options for {@link ensureInitialAdmin}. */
export interface InitialAdminOptions {
  sql: SqlQueryable;
  identity: IdentityService;
  email: string;
  dataDir: string;
  logger: Logger;
}

/** What was created, when something was. */
export interface InitialAdmin {
  email: string;
  password: string;
  file: string;
}

/** Creates the admin when no user exists yet; undefined when there was nothing to do. */
export async function ensureInitialAdmin(options: InitialAdminOptions): Promise<InitialAdmin | undefined> {
  const { rows } = await options.sql.query<{ found: boolean }>(
    'select exists (select 1 from users) as found',
  );
  if (rows[0]?.found) return undefined;
  const password = randomBytes(PASSWORD_BYTES).toString('base64url');
  try {
    // The operator configured the address: it is the admin's without a link no mail may carry.
    await options.identity.createAccount(
      { email: options.email, password, displayName: 'Administrator' },
      'admin',
      { emailVerified: true },
    );
  } catch (error) {
    // Another gateway starting on the same database created it first.
    if (isEmailTakenError(error)) return undefined;
    throw error;
  }
  const file = secretsPath(options.dataDir, INITIAL_ADMIN_FILE);
  // A file left from an earlier database would hold a password that no longer works.
  await rm(file, { force: true });
  await createPrivateFile(
    file,
    `Tickline first-run admin (change the password after signing in)\nemail: ${options.email}\npassword: ${password}\n`,
  );
  // The password goes to the 0600 file only: logs are shipped, kept and read by more people.
  options.logger.info(
    { email: options.email, file },
    `first start: created the admin account ${options.email}; its password is in ${file} (readable by this user only): sign in with it, then change it`,
  );
  return { email: options.email, password, file };
}
