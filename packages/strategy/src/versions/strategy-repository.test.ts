import { createPgliteSql } from '@tickline/store';
import { runRepositoryCases } from './repository-cases.test-support.ts';

runRepositoryCases('pglite', () => createPgliteSql({ memory: true }));
