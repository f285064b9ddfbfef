import { createPgliteSql } from '@tickline/store';
import { runPlatformProjectionSuite } from './testing/projection-suite.ts';

runPlatformProjectionSuite('pglite', () => createPgliteSql({ memory: true }));
