/**
 * @module What a V8 heap snapshot (`.heapsnapshot`, as `--heapsnapshot-signal` writes one) holds,
 * by kind of object: count and shallow bytes per constructor name. Two snapshots of one process,
 * before and after N connections, give what each connection adds (`censusPerUnit`).
 */
import { readFileSync } from 'node:fs';

/** Objects of one kind: `<node type>:<constructor or native name>`. */
export interface CensusRow {
  kind: string;
  count: number;
  bytes: number;
}

/** Node types whose name says what the object is (strings' names are their contents). */
const NAMED = new Set(['object', 'native', 'closure', 'hidden', 'object shape', 'code']);

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/** Count and shallow size of every kind of object in a snapshot file. */
export function census(file: string): Map<string, CensusRow> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotFile;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const { nodes, strings } = snapshot;
  const out = new Map<string, CensusRow>();
  for (let i = 0; i < nodes.length; i += fields.length) {
    const type = types[nodes[i + iType]!]!;
    const name = NAMED.has(type) && type !== 'code' ? strings[nodes[i + iName]!]!.slice(0, 60) : '';
    const kind = `${type}:${name}`;
    const row = out.get(kind) ?? { kind, count: 0, bytes: 0 };
    row.count++;
    row.bytes += nodes[i + iSize]!;
    out.set(kind, row);
  }
  return out;
}

/** What `after` holds beyond `before`, divided by `units` (connections), largest first. */
export function censusPerUnit(
  before: Map<string, CensusRow>,
  after: Map<string, CensusRow>,
  units: number,
): CensusRow[] {
  const rows = [...after.values()].map((row) => {
    const base = before.get(row.kind);
    return {
      kind: row.kind,
      count: (row.count - (base?.count ?? 0)) / units,
      bytes: (row.bytes - (base?.bytes ?? 0)) / units,
    };
  });
  return rows.sort((a, b) => b.bytes - a.bytes);
}
