/**
 * @module A migrated embedded database to copy instead of creating one per test server. A first
 * `tickline start` spends most of its time in PGlite's initdb and the migrations (6 of 7 s on a
 * quiet machine, several times that with both cores busy), and the suite starts dozens of fresh
 * servers. The template is made once per migration set by the real `tickline migrate up`, so the
 * path a first start takes is still run; a test server then starts on a copy, as after a restart
 * (no accounts, no secrets: those are made on its first start, as for a new user).
 *
 * Tests that judge the first start itself pass `TICKLINE_TEST_FRESH_DATABASE=1`.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Every migration file of the workspace, by content: a changed set makes a new template. */
async function migrationsKey(root: string): Promise<string> {
  const hash = createHash('sha256');
  const packages = join(root, 'packages');
  for (const name of (await readdir(packages)).sort()) {
    const dir = join(packages, name, 'migrations');
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const file of files.filter((f) => f.endsWith('.sql')).sort()) {
      hash.update(`${name}/${file}\0`);
      hash.update(await readFile(join(dir, file)));
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`making the database template failed (${code}): ${stderr}`)),
    );
  });
}

let made: Promise<string> | undefined;

/** The template's `db` directory, made on first use (by whichever test file needs it first). */
function template(root: string, migrate: (dataDir: string) => [string, string[], NodeJS.ProcessEnv]) {
  made ??= (async () => {
    const base = join(tmpdir(), `tickline-db-template-${await migrationsKey(root)}`);
    const db = join(base, 'db');
    if (await exists(db)) return db;
    await mkdir(tmpdir(), { recursive: true });
    const building = await mkdtemp(join(tmpdir(), 'tickline-db-template-building-'));
    try {
      const [command, args, env] = migrate(building);
      await run(command, args, env);
      // Another file may have finished first: both templates are the same, the first one stays.
      await rename(building, base).catch(async (error: NodeJS.ErrnoException) => {
        if (!(await exists(db))) throw error;
      });
    } finally {
      await rm(building, { recursive: true, force: true });
    }
    return db;
  })();
  made.catch(() => (made = undefined));
  return made;
}

/**
 * Copies the migrated template into `env.TICKLINE_DATA_DIR/db` when a server is about to start on
 * an embedded database that does not exist yet. Anything else (PostgreSQL, an existing data dir,
 * a test of the first start) is left alone.
 */
export async function seedEmbeddedDatabase(
  env: Record<string, string>,
  root: string,
  migrate: (dataDir: string) => [string, string[], NodeJS.ProcessEnv],
): Promise<void> {
  const dataDir = env.TICKLINE_DATA_DIR;
  if (!dataDir || env.TICKLINE_DATABASE_URL || env.TICKLINE_TEST_FRESH_DATABASE === '1') return;
  const target = join(dataDir, 'db');
  if (await exists(target)) return;
  const db = await template(root, migrate);
  await mkdir(dataDir, { recursive: true });
  await cp(db, target, { recursive: true, errorOnExist: true, force: false });
}
