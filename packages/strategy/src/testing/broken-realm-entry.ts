/**
 * @module A strategy sandbox process whose every realm set-up throws (tests: realm-setup.test.ts),
 * its warm-up's too; otherwise it is process-entry.ts.
 */
import { setBeforeHarden } from '../sandbox/engine-entries.ts';
import { BROKEN_REALM_SCRIPT } from './broken-realm.ts';

setBeforeHarden(BROKEN_REALM_SCRIPT);
await import('../sandbox/process-entry.ts');
