/** @module Types of quiet-install.mjs (plain JavaScript: bootstrap runs on the machine's own Node). */
export declare function runQuietly(
  label: string,
  command: string,
  args: string[],
  options?: { cwd?: string; env?: NodeJS.ProcessEnv; out?: NodeJS.WriteStream; progress?: boolean },
): Promise<{ ok: boolean; status: number | null; output: string }>;
export declare const NPM_CI_ARGS: readonly string[];
