/** @module `--role`, which only the commands that run or show the process take (`--config`: @tickline/cli). */
import type { ConfigOverride } from '@tickline/kernel';
import { Option } from 'commander';
import { RoleName } from '../config/schema.ts';

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
