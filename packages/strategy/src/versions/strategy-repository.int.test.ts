import { createPostgresSql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { describe, inject } from 'vitest';
import { runRepositoryCases } from './repository-cases.test-support.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`strategy repository on postgres ${postgres.skipReason ?? ''}`, () => {
  runRepositoryCases('postgresql', async () =>
    createPostgresSql({ url: await createDatabase(postgres.url!, 'strategy_repository') }),
  );
});
