import { createPostgresSql } from '@tickline/store';
import { createDatabase, providedPostgres } from '@tickline/testing';
import { describe, inject } from 'vitest';
import { runPlatformProjectionSuite } from './testing/projection-suite.ts';

const postgres = providedPostgres(inject);

describe.skipIf(!postgres.url)(`postgres ${postgres.skipReason ?? ''}`, () => {
  runPlatformProjectionSuite('postgres', async () =>
    createPostgresSql({ url: await createDatabase(postgres.url!, 'platform_projection') }),
  );
});
