import { createDatabase, providedPostgres } from '@tickline/testing';
import { createPostgresSql } from '@tickline/store';
import { describe, inject } from 'vitest';
import { marketArchiveCases } from './archive-cases.test-support.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`postgres ${postgres.skipReason ?? ''}`, () => {
  marketArchiveCases('postgres (pg pool)', async () =>
    createPostgresSql({ url: await createDatabase(postgres.url!, 'market_archive'), poolSize: 4 }),
  );
});
