import { createPgliteSql } from '@tickline/store';
import { marketStorageCases } from './storage-cases.test-support.ts';

marketStorageCases('pglite (worker thread, memory)', () => createPgliteSql({ memory: true }));
