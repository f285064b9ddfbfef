/** @module `npm run docs:errors`: regenerates docs/errors.md. */
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from './errors-doc.ts';

const target = new URL('../../../../docs/errors.md', import.meta.url);
writeFileSync(target, await renderErrorsDoc());
console.log(`wrote ${target.pathname}`);
