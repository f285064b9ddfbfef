import { createPgliteSql } from '@tickline/store';
import { runVersionQuotaCases } from './version-quota.test-support.ts';

runVersionQuotaCases('pglite', () => createPgliteSql({ memory: true }));
