import { describe, expect, it } from 'vitest';
import { migrationFromText } from '../migrations/load-migrations.ts';
import { findDestructiveChanges } from './destructive-ddl.ts';

const migration = (text: string) => migrationFromText('0100_change.sql', text);
const kinds = (text: string) => findDestructiveChanges([migration(text)]).map((change) => change.kind);

describe('release queries - destructive DDL guard', () => {
  it('release queries - expanding the schema passes', () => {
    const expand = `
      -- a new table, a nullable column, a column with a default, an index
      create table notes (id text primary key, body text not null);
      alter table accounts add column nickname text;
      alter table accounts add column tier text not null default 'basic';
      create index accounts_tier on accounts (tier);
      alter table accounts alter column tier set default 'free', alter column tier set not null;
      alter table accounts drop constraint accounts_tier_check;`;
    expect(kinds(expand)).toEqual([]);
  });

  it('release queries - dropping, renaming, retyping and requiring without a default are refused', () => {
    expect(kinds('drop table notes;')).toEqual(['drop table']);
    expect(kinds('ALTER TABLE accounts\n  DROP COLUMN nickname;')).toEqual(['drop column']);
    expect(kinds('alter table accounts rename column name to display_name;')).toEqual(['rename']);
    expect(kinds('alter table accounts rename to users;')).toEqual(['rename']);
    expect(kinds('alter table fills alter column price type text;')).toEqual(['alter column type']);
    expect(kinds('alter table fills alter column price set data type text;')).toEqual(['alter column type']);
    expect(kinds('alter table accounts alter column nickname set not null;')).toEqual(['set not null']);
    expect(kinds('alter table accounts add column tier text not null;')).toEqual([
      'add not null column without default',
    ]);
    expect(findDestructiveChanges([migration('drop table notes;')])).toEqual([
      { migration: '0100_change', kind: 'drop table', statement: 'drop table notes' },
    ]);
  });

  it('release queries - comments do not count; the contract marker allows a planned contraction', () => {
    expect(kinds('-- we used to drop table notes here\n/* rename */ select 1;')).toEqual([]);
    expect(
      kinds(
        '-- contract: 0.3.0 stopped reading accounts.nickname\nalter table accounts drop column nickname;',
      ),
    ).toEqual([]);
    // The marker needs its reason.
    expect(kinds('-- contract:\nalter table accounts drop column nickname;')).toEqual(['drop column']);
  });
});
