/** @module `npm run docs:config`: regenerates docs/config.md. */
import { writeFileSync } from 'node:fs';
import { renderConfigDoc } from './config-doc.ts';

const target = new URL('../../../../docs/config.md', import.meta.url);
writeFileSync(target, renderConfigDoc());
console.log(`wrote ${target.pathname}`);
