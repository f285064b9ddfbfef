import { createPgliteSql } from '@tickline/store';
import { marketArchiveCases } from './archive-cases.test-support.ts';

marketArchiveCases('pglite (worker thread, memory)', () => createPgliteSql({ memory: true }));
