/**
 * @module Validates rendered Kubernetes objects against the `kubernetes-models` schemas, refusing
 * unknown fields. The package's compiled validators are not strict (a typo such as `portz:` passes),
 * and it ships no JSON schemas to walk. But a compiled validator reads exactly the properties its
 * schema declares, and enumerates the keys of map-typed objects (labels, data): so validating a
 * proxy that records every key read, then listing the own keys nobody read, finds the fields the
 * schema does not know.
 */

/** One problem with one object. */
export interface ObjectProblem {
  path: string;
  message: string;
}

type ValidateFn = () => void;
interface ModelClass {
  prototype: { validate: ValidateFn };
}

/** `apps/v1` + `Deployment` → the module that holds its model (core group: `v1/Service`). */
async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  try {
    const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, unknown>;
    return module[kind] as ModelClass | undefined;
  } catch {
    return undefined;
  }
}

interface Tracked {
  proxy: unknown;
  unread(): string[];
}

/** Wraps `value` (deeply) so every property read is recorded by path. */
function track(value: unknown, path: string, seen: Map<string, Set<string>>, objects: Array<[string, object]>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const read = new Set<string>();
  seen.set(path, read);
  objects.push([path, value]);
  const children = new Map<string, unknown>();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key !== 'string') return Reflect.get(target, key, receiver) as unknown;
      read.add(key);
      if (!Object.hasOwn(target, key)) return Reflect.get(target, key, receiver) as unknown;
      if (!children.has(key)) {
        children.set(key, track((target as Record<string, unknown>)[key], `${path}/${key}`, seen, objects));
      }
      return children.get(key);
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      // Enumerating keys means the schema accepts any key here (a map such as labels).
      for (const key of Reflect.ownKeys(target)) if (typeof key === 'string') read.add(key);
      return Reflect.ownKeys(target);
    },
  });
}

function trackDocument(doc: object): Tracked {
  const seen = new Map<string, Set<string>>();
  const objects: Array<[string, object]> = [];
  const proxy = track(doc, '', seen, objects);
  return {
    proxy,
    unread: () => {
      const unknown: string[] = [];
      for (const [path, object] of objects) {
        if (Array.isArray(object)) continue;
        const read = seen.get(path) ?? new Set<string>();
        for (const key of Object.keys(object)) if (!read.has(key)) unknown.push(`${path}/${key}`);
      }
      return unknown;
    },
  };
}

function errorLines(error: unknown): string {
  const details = (error as { errors?: Array<{ instancePath?: string; message?: string }> }).errors;
  if (Array.isArray(details)) return details.map((d) => `${d.instancePath ?? ''} ${d.message ?? ''}`).join('; ');
  return error instanceof Error ? error.message : String(error);
}

/**
 * Validates one object: schema errors, then fields the schema does not declare.
 * An apiVersion/kind the package has no model for is itself a problem (nothing would check it).
 */
export async function validateObjectStrictly(doc: Record<string, unknown>): Promise<ObjectProblem[]> {
  const apiVersion = String(doc.apiVersion);
  const kind = String(doc.kind);
  const name = `${kind}/${String((doc.metadata as { name?: unknown } | undefined)?.name)}`;
  const Model = await modelFor(apiVersion, kind);
  if (!Model) return [{ path: name, message: `no kubernetes-models schema for ${apiVersion} ${kind}` }];
  const tracked = trackDocument(doc);
  try {
    Model.prototype.validate.call(tracked.proxy);
  } catch (error) {
    return [{ path: name, message: errorLines(error) }];
  }
  return tracked.unread().map((path) => ({ path: `${name}${path}`, message: 'unknown field' }));
}
