/**
 * @module Identity as a service of the process: the domain service over the SQL repository, keys
 * from `auth-keys.ts`, `account.created` through the publisher, the first-run admin, and an hourly
 * purge of ended sessions.
 */
import type { Publisher } from '@tickline/eventlog';
import {
  createIdentityService,
  createSqlIdentityRepository,
  type IdentityService,
  type IdentityServiceOptions,
  type TierOverrides,
} from '@tickline/identity';
import { ServiceStatus, type Registry, type Service, type ServiceHealth } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import { ensureInitialAdmin } from '../accounts/initial-admin.ts';
import type { ResolvedConfig } from '../config/load.ts';
import { loadAuthKeys, type AuthKeys } from './auth-keys.ts';
import { startedGetter } from './started.ts';

/** How often sessions that ended over a week ago are deleted. */
export const SESSION_PURGE_INTERVAL_MS = 60 * 60_000;

/** Options for {@link createIdentityComponent}. */
export interface IdentityComponentOptions {
  config: ResolvedConfig;
  metrics: Registry;
  /** The open database (read at start). */
  sql: () => Sql;
  /** The started publisher (read at start). */
  publisher: () => Publisher;
}

/** The identity service once started, and the keys it was built with. */
export interface IdentityComponent extends Service {
  readonly identity: IdentityService;
  readonly keys: AuthKeys;
}

/** The identity options the config describes. */
export function identityOptionsFrom(
  config: ResolvedConfig,
  keys: AuthKeys,
): Omit<IdentityServiceOptions, 'repository' | 'publish' | 'logger' | 'metrics'> {
  const { auth } = config;
  const tiers: TierOverrides = {};
  for (const [tier, overrides] of Object.entries(auth.tiers)) {
    const set = Object.entries(overrides).filter(([, value]) => value !== undefined);
    if (set.length > 0) tiers[tier as keyof TierOverrides] = Object.fromEntries(set);
  }
  return {
    tokens: {
      signing:
        auth.jwtPrivateKey === undefined
          ? { algorithm: 'HS256', secret: keys.accessTokenSecret }
          : { algorithm: 'EdDSA', privateKeyPem: auth.jwtPrivateKey },
      issuer: auth.issuer,
      accessTokenTtlMs: auth.accessTokenTtlMs,
      refreshTokenTtlMs: auth.refreshTokenTtlMs,
    },
    totp: { encryptionKey: keys.totpEncryptionKey },
    tiers,
    oidc: { providers: auth.oidc.providers.map((provider) => ({ ...provider })) },
  };
}

export function createIdentityComponent(options: IdentityComponentOptions): IdentityComponent {
  const { config, metrics } = options;
  let identity: IdentityService | undefined;
  let keys: AuthKeys | undefined;
  let timer: NodeJS.Timeout | undefined;
  let state: ServiceStatus = ServiceStatus.Starting;
  const started = startedGetter('identity');
  return {
    name: 'identity',
    get identity() {
      return started(identity);
    },
    get keys() {
      return started(keys);
    },
    async start(context) {
      keys = await loadAuthKeys(config);
      if (keys.source.kind === 'file' && keys.source.created) {
        context.logger.info({ file: keys.source.file }, 'generated the auth secret (keep it with the data)');
      }
      const sql = options.sql();
      const publisher = options.publisher();
      identity = createIdentityService({
        ...identityOptionsFrom(config, keys),
        repository: createSqlIdentityRepository(sql),
        publish: (event) => publisher.publish(event),
        logger: context.logger,
        metrics,
      });
      await ensureInitialAdmin({
        sql,
        identity,
        email: config.auth.initialAdminEmail,
        dataDir: config.dataDir,
        logger: context.logger,
      });
      timer = setInterval(() => {
        identity?.purgeEndedSessions().catch((error: unknown) => {
          context.logger.warn({ err: error }, 'purging ended sessions failed; retrying next hour');
        });
      }, SESSION_PURGE_INTERVAL_MS).unref();
      state = ServiceStatus.Up;
    },
    async stop() {
      state = ServiceStatus.Stopping;
      clearInterval(timer);
      await identity?.close();
      state = ServiceStatus.Stopped;
    },
    health(): ServiceHealth {
      return { status: state };
    },
  };
}
