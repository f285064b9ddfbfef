/** @module Options shared by several commands. */
import type { ConfigOverride } from '@tickline/kernel';
import { Option } from 'commander';
import { CONFIG_FILE_ENV } from '../config/load.ts';
import { RoleName } from '../config/schema.ts';

/** `--config FILE`. */
export function configOption(): Option {
  return new Option(
    '-c, --config <file>',
    `config file, JSON or YAML (default: $${CONFIG_FILE_ENV}, else none)`,
  );
}

/** `--role ROLE`. */
export function roleOption(): Option {
  return new Option(
    '-r, --role <role>',
    'what this process runs (default: the role setting, else all)',
  ).choices(Object.values(RoleName));
}

/** The `--role` value as a config override. */
export function roleOverride(role: string | undefined): ConfigOverride[] {
  return role === undefined ? [] : [{ key: 'role', value: role, origin: '--role' }];
}
