import { createMemoryCacheStore } from './memory-cache-store.ts';
import { readCacheCases } from './read-cache-cases.test-support.ts';

readCacheCases('memory store, PGlite', async () => createMemoryCacheStore());
