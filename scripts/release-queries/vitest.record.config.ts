/**
 * @module The repository's Vitest projects, unit and int, with the statement recorder set up
 * (`record-setup.ts`). Used only by `record.ts`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import base from '../../vitest.config.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SETUP = fileURLToPath(new URL('./record-setup.ts', import.meta.url));
const RECORDED_PROJECTS = new Set(['unit', 'int']);

const projects = (base.test?.projects ?? []) as TestProjectInlineConfiguration[];

export default defineConfig({
  ...base,
  root: ROOT,
  test: {
    ...base.test,
    reporters: ['dot'],
    projects: projects
      .filter((project) => RECORDED_PROJECTS.has(project.test?.name as string))
      .map((project) => ({ ...project, test: { ...project.test, root: ROOT, setupFiles: [SETUP] } })),
  },
});
