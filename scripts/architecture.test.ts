/**
 * @module Architecture rules, checked on every test run:
 * dependencies point one way between packages, no deep imports into another package's files,
 * and no import cycles between files. Dependency-free on purpose: it reads sources as text.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');
const PACKAGES = join(ROOT, 'packages');

/**
 * Layers of the design: a package may import only packages of a lower layer. `testing` is a
 * dev-only harness: any test may use it, no production file may.
 */
const LAYER: Record<string, number> = {
  kernel: 0,
  protocol: 0,
  eventlog: 1,
  store: 1,
  identity: 2,
  realtime: 2,
  market: 2,
  notify: 2,
  game: 2,
  strategy: 3,
  platform: 4,
  server: 5,
};
/**
 * Packages that stand apart: they may import only the ones listed. The SDK and the dashboard take
 * every wire contract from `protocol` (see the contracts test below).
 */
const ISOLATED: Record<string, string[]> = { client: ['protocol'], web: ['client', 'protocol'] };
/** The SDK depends on nothing of ours, so the composition root may use it (`tickline bots`). */
const SDK_USERS = new Set(['server']);

const IMPORT_RE =
  /(?:^|[;\s])(?:import|export)\s(?:type\s)?(?:[^'"]*?\sfrom\s)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

interface SourceFile {
  pkg: string;
  path: string;
  isTest: boolean;
  imports: string[];
  /** The text without comments. */
  code: string;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (/\.(ts|tsx)$/.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function loadSources(): SourceFile[] {
  const files: SourceFile[] = [];
  for (const pkg of readdirSync(PACKAGES)) {
    const src = join(PACKAGES, pkg, 'src');
    if (!existsSync(src)) continue;
    for (const path of walk(src)) {
      const text = readFileSync(path, 'utf8').replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
      const imports = [...text.matchAll(IMPORT_RE)].map((m) => (m[1] ?? m[2])!);
      const rel = relative(src, path);
      const isTest =
        /\.test\.tsx?$/.test(path) || /(^|\/)(testing|contract)\//.test(rel) || pkg === 'testing';
      files.push({ pkg, path, isTest, imports, code: text });
    }
  }
  return files;
}

const sources = loadSources();

function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

function packageExports(pkg: string): string[] {
  const manifest = JSON.parse(readFileSync(join(PACKAGES, pkg, 'package.json'), 'utf8')) as {
    exports?: Record<string, string>;
  };
  return Object.keys(manifest.exports ?? { '.': '' }).map((k) =>
    k === '.' ? `@tickline/${pkg}` : `@tickline/${pkg}/${k.slice(2)}`,
  );
}

describe('architecture', () => {
  it('architecture - relative imports stay inside their package', () => {
    const escapes = sources.flatMap((f) =>
      f.imports
        .filter((s) => s.startsWith('.'))
        .filter((s) => !resolve(dirname(f.path), s).startsWith(join(PACKAGES, f.pkg) + '/'))
        .map((s) => `${relative(ROOT, f.path)} → ${s}`),
    );
    expect(escapes).toEqual([]);
  });

  it('architecture - other packages are imported through their declared entry points only', () => {
    const deep = sources.flatMap((f) =>
      f.imports
        .filter((s) => s.startsWith('@tickline/'))
        .filter((s) => !packageExports(s.split('/')[1]!).includes(s))
        .map((s) => `${relative(ROOT, f.path)} → ${s}`),
    );
    expect(deep).toEqual([]);
  });

  it('architecture - dependencies point one way (the layers); testing only from tests', () => {
    const violations: string[] = [];
    for (const f of sources) {
      for (const spec of f.imports.filter((s) => s.startsWith('@tickline/'))) {
        const target = spec.split('/')[1]!;
        if (target === f.pkg) continue;
        const where = `${relative(ROOT, f.path)} → ${spec}`;
        if (target === 'testing') {
          if (!f.isTest) violations.push(`${where} (the harness is for tests only)`);
          continue;
        }
        if (f.pkg === 'testing') continue;
        if (f.pkg in ISOLATED) {
          if (!ISOLATED[f.pkg]!.includes(target) && !f.isTest)
            violations.push(`${where} (${f.pkg} stands apart)`);
          continue;
        }
        if (target === 'client' && SDK_USERS.has(f.pkg)) continue;
        const from = LAYER[f.pkg];
        const to = LAYER[target];
        if (from === undefined || to === undefined)
          violations.push(`${where} (package without a layer: add it to LAYER)`);
        else if (to >= from && !(f.isTest && to <= from))
          violations.push(`${where} (layer ${from} may not import layer ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('architecture - no import cycles between files', () => {
    const graph = new Map<string, string[]>();
    for (const f of sources) {
      graph.set(
        f.path,
        f.imports.filter((s) => s.startsWith('.')).flatMap((s) => resolveRelative(f.path, s) ?? []),
      );
    }
    // Tarjan's strongly connected components: any component of two or more files is a cycle.
    let index = 0;
    const indices = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    const connect = (v: string): void => {
      indices.set(v, index);
      low.set(v, index++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!indices.has(w)) {
          connect(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
      if (low.get(v) === indices.get(v)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(relative(ROOT, w));
        } while (w !== v);
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const v of graph.keys()) if (!indices.has(v)) connect(v);
    expect(cycles).toEqual([]);
  });

  it('architecture - client and web take wire contracts from @tickline/protocol, never a copy', () => {
    // Every name the contract package exports, so a same-named declaration elsewhere is a copy.
    const protocolIndex = readFileSync(join(PACKAGES, 'protocol', 'src', 'index.ts'), 'utf8');
    const contractNames = new Set(
      [...protocolIndex.matchAll(/export (?:type )?\{([^}]*)\}/g)].flatMap((m) =>
        m[1]!
          .split(',')
          .map((n) =>
            n
              .trim()
              .split(/\s+as\s+/)
              .pop()!,
          )
          .filter(Boolean),
      ),
    );
    const LITERALS: Array<[RegExp, string]> = [
      [/[`'"](?:user|market|admin|game):/, 'a channel name or API-key scope (use Channel / ApiKeyScope)'],
      [/['"](?:account|market|game|admin)\.[a-z]+(?:\.[a-z]+)*['"]/, 'an event type (use EventType)'],
      [/['"]1s['"]\s*,\s*['"]1m['"]/, 'the candle interval list (use CANDLE_INTERVALS)'],
    ];
    const copies: string[] = [];
    for (const f of sources.filter((s) => (s.pkg === 'client' || s.pkg === 'web') && !s.isTest)) {
      const where = relative(ROOT, f.path);
      for (const m of f.code.matchAll(
        /\b(?:interface|type|const|enum|class)\s+([A-Z]\w*)\s*(?:[=<{:]|extends\b)/g,
      )) {
        if (contractNames.has(m[1]!))
          copies.push(`${where}: declares ${m[1]} (import it from @tickline/protocol)`);
      }
      for (const [re, what] of LITERALS) if (re.test(f.code)) copies.push(`${where}: spells ${what}`);
    }
    expect(contractNames.size).toBeGreaterThan(50);
    expect(copies).toEqual([]);
  });

  it('architecture - no domain package imports the composition root (server)', () => {
    const upward = sources
      .filter((f) => f.pkg !== 'server')
      .flatMap((f) =>
        f.imports.filter((s) => s.split('/')[1] === 'server').map((s) => `${relative(ROOT, f.path)} → ${s}`),
      );
    expect(upward).toEqual([]);
  });

  it('architecture - route files take their input types from inline schemas, never `as never`', () => {
    // A route file: a module's routes plugin or anything that declares routes on a Fastify instance.
    const ROUTE_FILE = /(^|[-/])routes?(-[a-z-]+)?\.ts$/;
    const DECLARES_ROUTES = /\b(app|scope|fastify)\.(get|post|put|patch|delete|route)\(/;
    const offenders = sources
      .filter((f) => !f.isTest)
      .filter((f) => {
        const text = readFileSync(f.path, 'utf8');
        return ROUTE_FILE.test(relative(PACKAGES, f.path)) || DECLARES_ROUTES.test(text);
      })
      .filter((f) => /\bas never\b/.test(readFileSync(f.path, 'utf8')))
      .map((f) => relative(ROOT, f.path));
    expect(offenders).toEqual([]);
    expect(sources.some((f) => f.path.endsWith('identity/src/http/auth-routes.ts'))).toBe(true);
  });

  it('architecture - each domain exports its module from its entry point, with a light config entry', () => {
    const DOMAINS_WITH_MODULES: Record<string, string> = {
      identity: 'identityModule',
      realtime: 'realtimeModule',
      market: 'marketModule',
      game: 'gameModule',
      platform: 'platformModule',
    };
    for (const [pkg, name] of Object.entries(DOMAINS_WITH_MODULES)) {
      const index = readFileSync(join(PACKAGES, pkg, 'src', 'index.ts'), 'utf8');
      expect(index, pkg).toMatch(new RegExp(`export \\{[^}]*\\b${name}\\b[^}]*\\}`));
      expect(packageExports(pkg), pkg).toContain(`@tickline/${pkg}/config`);
      // The config entry loads no domain code: zod, the kernel, Node and files of its own package.
      const config = sources.find((f) => f.path === join(PACKAGES, pkg, 'src', 'config.ts'))!;
      expect(
        config.imports.filter(
          (s) => !s.startsWith('.') && !s.startsWith('node:') && s !== 'zod' && s !== '@tickline/kernel',
        ),
        pkg,
      ).toEqual([]);
    }
  });

  it('architecture - the checker sees the code it guards', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(sources.some((f) => f.imports.includes('@tickline/kernel'))).toBe(true);
  });
});
