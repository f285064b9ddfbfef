/**
 * @module A live sandbox process whose every realm set-up throws (tests: realm-setup.test.ts), its
 * warm-up's too; otherwise it is live-process-entry.ts.
 */
import { setBeforeHarden } from '../sandbox/engine-entries.ts';
import { BROKEN_REALM_SCRIPT } from './broken-realm.ts';

setBeforeHarden(BROKEN_REALM_SCRIPT);
await import('../sandbox/live-process-entry.ts');
