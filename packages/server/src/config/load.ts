/** @module Loading the Tickline config: `--config FILE` (or TICKLINE_CONFIG) plus TICKLINE_* variables. */
import { loadConfig, type ConfigOverride, type DeepReadonly } from '@tickline/kernel';
import { TicklineConfigSchema, type TicklineConfig } from './schema.ts';

/** Names the config file when `--config` is not given; not itself a setting. */
export const CONFIG_FILE_ENV = 'TICKLINE_CONFIG';
/** Where CLI commands reach a running server (`--url`, `--token`); not settings of this process. */
export const CLIENT_ENV = ['TICKLINE_URL', 'TICKLINE_TOKEN'] as const;

/** Options for {@link loadTicklineConfig}. */
export interface LoadTicklineConfigOptions {
  /** The file given with `--config`. @default env.TICKLINE_CONFIG */
  file?: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Command-line options that override settings. */
  overrides?: readonly ConfigOverride[];
}

export type ResolvedConfig = DeepReadonly<TicklineConfig>;

/**
 * Loads and validates the config once. @throws ConfigInvalidError whose message is the lines to
 * print (`config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535`).
 */
export function loadTicklineConfig(options: LoadTicklineConfigOptions): ResolvedConfig {
  const file = options.file ?? (options.env[CONFIG_FILE_ENV] || undefined);
  return loadConfig(TicklineConfigSchema, {
    env: options.env,
    ignoreEnv: [CONFIG_FILE_ENV, ...CLIENT_ENV],
    ...(file === undefined ? {} : { file }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
  });
}
