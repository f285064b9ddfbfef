/** @module Progress lines of `backup` and `restore` on stderr (results go to stdout). */
import type { CliIo } from '../io.ts';

/** `12.3 MB`, `840 KB`, `17 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} B`;
}

/** Writes `command: step` lines with the seconds since the start. */
export function createProgress(io: CliIo, command: 'backup' | 'restore'): (step: string) => void {
  const started = performance.now();
  return (step) => io.err(`${command}: ${step} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
}
