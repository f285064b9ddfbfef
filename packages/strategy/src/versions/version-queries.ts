/**
 * @module A strategy's immutable versions in SQL: saving one (its code sealed by the
 * {@link CodeCipher}, bound to its row), listing them, reading one with its code opened, and
 * re-sealing old ones under the current key. A module of its own because these are the queries
 * that touch the encrypted code; the owner check is the caller's (strategy-repository.ts).
 */
import { createHash } from 'node:crypto';
import { TicklineError } from '@tickline/kernel';
import type { Sql } from '@tickline/store';
import type { ParamSpecs } from '../core/definition.ts';
import type { SourceLanguage } from '../api/compile-strategy.ts';
import type { CodeCipher } from './code-cipher.ts';
import {
  notFound,
  type Row,
  type VersionInfo,
  type VersionRecord,
  versionFrom,
} from './repository-records.ts';

/** The additional data that binds a version's ciphertext to its row. */
const aadOf = (strategyId: string, version: number): string => `strategy:${strategyId}:v${version}`;

const VERSION_INFO = 'strategy_id, version, language, params, key_id, source_sha256, size_bytes, created_at';

/** What a new version is saved from. */
export interface SaveVersionInput {
  userId: string;
  strategyId: string;
  source: string;
  js: string;
  language: SourceLanguage;
  params: ParamSpecs;
  now: Date;
  /** The tier's bounds on stored code; without it (trusted callers, tests) none. */
  quota?: VersionQuota;
}

/** What an account may store: versions per strategy, and source bytes over all its versions. */
export interface VersionQuota {
  maxVersions: number;
  maxBytes: number;
}

/** The refusal of a version past `quota`, with what the account holds. */
function quotaError(quota: VersionQuota, held: { versions: number; bytes: number }, adding: number) {
  if (held.versions >= quota.maxVersions)
    return new TicklineError(
      'STRATEGY_QUOTA_VERSIONS',
      `a strategy keeps at most ${quota.maxVersions} versions`,
      { details: { limit: quota.maxVersions, versions: held.versions } },
    );
  return new TicklineError(
    'STRATEGY_QUOTA_CODE_BYTES',
    `the account's strategy source would take more than ${quota.maxBytes} bytes`,
    { details: { limit: quota.maxBytes, usedBytes: held.bytes, versionBytes: adding } },
  );
}

/** The versions of strategy `$strategy` and the source bytes of every version of account `$user`. */
const held = (strategy: string, user: string) => ({
  versions: `(select count(*) from strategy_versions where strategy_id = ${strategy}::uuid)`,
  bytes: `(select coalesce(sum(v.size_bytes), 0) from strategy_versions v
      join strategies s on s.id = v.strategy_id where s.user_id = ${user}::uuid)`,
});

/** Saves a new immutable version (number = previous + 1) and returns it without the code. */
export async function saveVersion(
  sql: Sql,
  cipher: CodeCipher,
  input: SaveVersionInput,
): Promise<VersionInfo> {
  return sql.transaction(async (tx) => {
    // Saves of one account are counted one after another (two strategies' saves share its bytes).
    if (input.quota)
      await tx.query("select pg_advisory_xact_lock(hashtext('tickline.code-quota.' || $1))", [input.userId]);
    const { rows } = await tx.query<Row>(
      'select latest_version from strategies where id = $1 and user_id = $2 for update',
      [input.strategyId, input.userId],
    );
    if (rows.length === 0) throw notFound('strategy');
    const version = Number(rows[0]!.latest_version) + 1;
    const sealed = cipher.encrypt(
      JSON.stringify({ source: input.source, js: input.js }),
      aadOf(input.strategyId, version),
    );
    const bytes = Buffer.byteLength(input.source, 'utf8');
    const HELD = held('$1', '$11');
    // Counted and inserted in one statement: the quota holds whatever runs beside it.
    const inserted = await tx.query<Row>(
      `insert into strategy_versions (strategy_id, version, language, params, key_id, nonce, ciphertext, source_sha256, size_bytes, created_at)
       select $1::uuid, $2::int, $3::text, $4::jsonb, $5::text, $6::bytea, $7::bytea, $8::text, $9::int, $10::timestamptz
        where $12::bigint is null or (${HELD.versions} < $12::bigint and ${HELD.bytes} + $9::int <= $13::bigint)
       returning ${VERSION_INFO}`,
      [
        input.strategyId,
        version,
        input.language,
        JSON.stringify(input.params),
        sealed.keyId,
        sealed.nonce,
        sealed.ciphertext,
        createHash('sha256').update(input.source).digest('hex'),
        bytes,
        input.now,
        input.userId,
        input.quota?.maxVersions ?? null,
        input.quota?.maxBytes ?? null,
      ],
    );
    if (inserted.rows.length === 0) {
      const now = held('$1', '$2');
      const { rows: counted } = await tx.query<{ versions: number | string; bytes: number | string }>(
        `select ${now.versions} as versions, ${now.bytes} as bytes`,
        [input.strategyId, input.userId],
      );
      const row = counted[0]!;
      throw quotaError(input.quota!, { versions: Number(row.versions), bytes: Number(row.bytes) }, bytes);
    }
    await tx.query('update strategies set latest_version = $1, updated_at = $2 where id = $3', [
      version,
      input.now,
      input.strategyId,
    ]);
    return versionFrom(inserted.rows[0]!);
  });
}

/** The versions of one strategy, oldest first (its owner already checked). */
export async function listVersions(sql: Sql, strategyId: string): Promise<VersionInfo[]> {
  const { rows } = await sql.query<Row>(
    `select ${VERSION_INFO} from strategy_versions where strategy_id = $1 order by version`,
    [strategyId],
  );
  return rows.map(versionFrom);
}

/**
 * The versions of several of the user's strategies in one statement (oldest first per strategy),
 * for a GraphQL page of strategies with their versions; ids the user does not own give none.
 */
export async function listVersionsOf(
  sql: Sql,
  userId: string,
  strategyIds: readonly string[],
): Promise<Map<string, VersionInfo[]>> {
  const byStrategy = new Map<string, VersionInfo[]>(strategyIds.map((id) => [id, []]));
  if (strategyIds.length === 0) return byStrategy;
  const { rows } = await sql.query<Row>(
    `select ${VERSION_INFO} from strategy_versions
      where strategy_id = any($2::uuid[]) and strategy_id in (select id from strategies where user_id = $1)
      order by strategy_id, version`,
    [userId, [...strategyIds]],
  );
  for (const row of rows.map(versionFrom)) byStrategy.get(row.strategyId)?.push(row);
  return byStrategy;
}

/** A version with its decrypted code; `version` omitted means the latest. */
export async function getVersion(
  sql: Sql,
  cipher: CodeCipher,
  userId: string,
  strategyId: string,
  version?: number,
): Promise<VersionRecord> {
  const { rows } = await sql.query<Row>(
    `select v.*, s.latest_version from strategy_versions v join strategies s on s.id = v.strategy_id
     where v.strategy_id = $1 and s.user_id = $2 and v.version = coalesce($3, s.latest_version)`,
    [strategyId, userId, version ?? null],
  );
  if (rows.length === 0) throw notFound('strategy version');
  const r = rows[0]!;
  const info = versionFrom(r);
  const plain = cipher.decrypt(
    { keyId: info.keyId, nonce: r.nonce as Uint8Array, ciphertext: r.ciphertext as Uint8Array },
    aadOf(strategyId, info.version),
  );
  const { source, js } = JSON.parse(plain) as { source: string; js: string };
  return { ...info, source, js };
}

/**
 * Re-seals up to `limit` versions sealed with a key other than the current one under the
 * current key; returns how many it moved (0: none left it can read). A version written or moved
 * meanwhile is left as it is (the update names the key it read).
 */
export async function resealBatch(sql: Sql, cipher: CodeCipher, limit: number): Promise<number> {
  const current = cipher.currentKeyId;
  const { rows } = await sql.query<Row>(
    `select strategy_id, version, key_id, nonce, ciphertext from strategy_versions
      where key_id <> $1 and key_id = any($2::text[]) order by strategy_id, version limit $3`,
    [current, cipher.keyIds.filter((id) => id !== current), limit],
  );
  for (const r of rows) {
    const strategyId = r.strategy_id as string;
    const version = Number(r.version);
    const aad = aadOf(strategyId, version);
    const plain = cipher.decrypt(
      { keyId: r.key_id as string, nonce: r.nonce as Uint8Array, ciphertext: r.ciphertext as Uint8Array },
      aad,
    );
    const sealed = cipher.encrypt(plain, aad);
    await sql.query(
      `update strategy_versions set key_id = $1, nonce = $2, ciphertext = $3
        where strategy_id = $4 and version = $5 and key_id = $6`,
      [sealed.keyId, sealed.nonce, sealed.ciphertext, strategyId, version, r.key_id as string],
    );
  }
  return rows.length;
}
