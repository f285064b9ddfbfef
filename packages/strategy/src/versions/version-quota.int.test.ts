import { createPostgresSql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { describe, inject } from 'vitest';
import { runVersionQuotaCases } from './version-quota.test-support.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`stored-code quota on postgres ${postgres.skipReason ?? ''}`, () => {
  runVersionQuotaCases('postgresql', async () =>
    createPostgresSql({ url: await createDatabase(postgres.url!, 'version_quota') }),
  );
});
