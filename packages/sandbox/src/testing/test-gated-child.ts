/**
 * @module A pool child that exits at once, before it reports ready, until the file named by
 * `TICKLINE_TEST_START_GATE` exists; then it serves as test-child.ts does. It stands for a child
 * that cannot start (a bad entry, a set-up that throws) and for the fix that lets it start again.
 */
import { existsSync } from 'node:fs';

const gate = process.env.TICKLINE_TEST_START_GATE;
if (!gate || !existsSync(gate)) process.exit(3);
await import('./test-child.ts');
