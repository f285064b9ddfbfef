import { createDatabase, providedPostgres } from '@tickline/testing';
import { createPostgresSql } from '@tickline/store';
import { describe, inject } from 'vitest';
import { marketStorageCases } from './storage-cases.test-support.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`postgres ${postgres.skipReason ?? ''}`, () => {
  marketStorageCases('postgres (pg pool)', async () =>
    createPostgresSql({ url: await createDatabase(postgres.url!, 'market_storage'), poolSize: 4 }),
  );
});
