/** @module Where the strategy package's migrations live (0009: broker tables). */
import { fileURLToPath } from 'node:url';

export const STRATEGY_MIGRATIONS_DIR = fileURLToPath(new URL('../../../migrations/', import.meta.url));
