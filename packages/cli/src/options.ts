/** @module Options and environment variables several commands share. */
import { Option } from 'commander';

/** Names the config file when `--config` is not given; not itself a setting. */
export const CONFIG_FILE_ENV = 'TICKLINE_CONFIG';
/** Where CLI commands reach a running server (`--url`, `--token`); not settings of the process. */
export const CLIENT_ENV = ['TICKLINE_URL', 'TICKLINE_TOKEN'] as const;

/** `--config FILE`. */
export function configOption(): Option {
  return new Option(
    '-c, --config <file>',
    `config file, JSON or YAML (default: $${CONFIG_FILE_ENV}, else none)`,
  );
}
