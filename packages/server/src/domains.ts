/**
 * @module The domains this server composes — the one list a new domain joins (with its place in
 * the role table, roles.ts). In start order: a module comes after those named in its `after`. Each
 * entry carries the domain's config section from its light `./config` entry point, so the config
 * schema and `tickline --help` load no domain; the module itself is imported when a role runs it.
 */
import { identityConfig } from '@tickline/identity/config';
import type { DomainModule, ModuleConfigSection } from '@tickline/kernel';
import { marketConfig } from '@tickline/market/config';
import { gameConfig } from '@tickline/game/config';
import { platformConfig } from '@tickline/platform/config';
import { graphqlConfig } from '@tickline/graphql/config';
import { notifyConfig } from '@tickline/notify/config';
import { realtimeConfig } from '@tickline/realtime/config';
import { strategyConfig } from '@tickline/strategy/config';
import { tradingConfig } from '@tickline/trading/config';
import { backupConfig } from '@tickline/backup/config';

/** A module as the server composes it; each domain types its own deps and host. */
export type ServerModule = DomainModule<string, any, any, any, any>;

/** One domain of the list. */
export interface DomainEntry {
  readonly name: string;
  /** Its config section (absent: no settings). */
  readonly config?: ModuleConfigSection;
  readonly load: () => Promise<ServerModule>;
}

export const DOMAINS = [
  {
    name: 'identity',
    config: identityConfig,
    load: async () => (await import('@tickline/identity')).identityModule,
  },
  {
    name: 'realtime',
    config: realtimeConfig,
    load: async () => (await import('@tickline/realtime')).realtimeModule,
  },
  { name: 'accounts', load: async () => (await import('@tickline/trading')).accountsModule },
  { name: 'market', config: marketConfig, load: async () => (await import('@tickline/market')).marketModule },
  { name: 'game', config: gameConfig, load: async () => (await import('@tickline/game')).gameModule },
  {
    name: 'strategy',
    config: strategyConfig,
    load: async () => (await import('@tickline/strategy')).strategyModule,
  },
  {
    name: 'trading',
    config: tradingConfig,
    load: async () => (await import('@tickline/trading')).tradingModule,
  },
  {
    name: 'notify',
    config: notifyConfig,
    load: async () => (await import('@tickline/notify')).notifyModule,
  },
  {
    name: 'platform',
    config: platformConfig,
    load: async () => (await import('@tickline/platform')).platformModule,
  },
  {
    name: 'graphql',
    config: graphqlConfig,
    load: async () => (await import('@tickline/graphql')).graphqlModule,
  },
  // Scheduled backups of this process's data (role all).
  {
    name: 'backup',
    config: backupConfig,
    load: async () => (await import('@tickline/backup')).backupModule,
  },
] as const satisfies readonly DomainEntry[];

export type DomainName = (typeof DOMAINS)[number]['name'];
