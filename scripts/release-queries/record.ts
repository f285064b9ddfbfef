/**
 * @module `npm run release:queries`: records the statements this release sends to the database
 * and writes them to `packages/server/test/release-queries/<version>.json`, the corpus the next
 * release's migrations are checked against (see docs/deployment.md, blue/green). Run it when
 * cutting a release. It runs the unit and int tests of the packages that own SQL (or the Vitest
 * filters given as arguments) with every SQL adapter wrapped by a recorder, then keeps the
 * statements that PREPARE against this release's own schema: the rest query tables a test
 * created for itself, which no migration owns.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkCorpus,
  createPgliteSql,
  isPreparable,
  migrate,
  normalizeStatement,
} from '@tickline/store/internal';
import { loadAllMigrations } from '@tickline/server/internal';
import type { ReleaseCorpus } from '@tickline/store/internal';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * Packages whose tests drive the repositories, projections and jobs that issue SQL: the domains
 * own every statement; the composition root (`server`) wires them and sends almost none itself.
 */
const DEFAULT_FILTERS = ['store', 'identity', 'market', 'notify', 'platform', 'strategy', 'game'].map(
  (pkg) => `packages/${pkg}/src/`,
);

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const out = mkdtempSync(join(tmpdir(), 'tickline-release-queries-'));
const filters = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_FILTERS;
// Failing tests still record what they sent; the exit status is reported, not fatal.
const run = spawnSync(
  join(ROOT, 'node_modules/.bin/vitest'),
  ['run', '--config', 'scripts/release-queries/vitest.record.config.ts', ...filters],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, TICKLINE_RELEASE_QUERIES_DIR: out } },
);

const recorded = new Set<string>();
for (const name of readdirSync(out)) {
  for (const line of readFileSync(join(out, name), 'utf8').split('\n')) {
    if (line !== '' && isPreparable(JSON.parse(line) as string))
      recorded.add(normalizeStatement(JSON.parse(line) as string));
  }
}
rmSync(out, { recursive: true, force: true });

const migrations = await loadAllMigrations();
const sql = await createPgliteSql({ memory: true });
await migrate(sql, { migrations });
const foreign = new Set((await checkCorpus(sql, [...recorded])).map((failure) => failure.statement));
await sql.close();

const corpus: ReleaseCorpus = {
  version,
  lastMigration: migrations.at(-1)!.id,
  statements: [...recorded].filter((statement) => !foreign.has(statement)).sort(),
};
const file = join(ROOT, 'packages/server/test/release-queries', `${version}.json`);
writeFileSync(file, JSON.stringify(corpus, null, 2) + '\n');
console.log(
  `release:queries: ${corpus.statements.length} statements of ${version} in ${file} ` +
    `(${foreign.size} left out: tables no migration owns); vitest exited ${run.status}`,
);
