import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileSnapshotStore } from './file-snapshot-store.ts';
import { isSnapshotCorruptError } from './snapshot-errors.ts';
import { runSnapshotStoreContract, sampleZoneSnapshot } from './snapshot-store-contract.ts';
import { SnapshotKind, toStoredSnapshot } from './stored-snapshot.ts';

let dir: TempDir;
let stores = 0;
beforeAll(async () => {
  dir = await tempDir('tickline-file-snapshots');
});
afterAll(() => dir?.remove());

runSnapshotStoreContract('file', {
  open: ({ maxPerZone }) =>
    Promise.resolve(createFileSnapshotStore({ dir: join(dir.path, `s${stores++}`), maxPerZone })),
});

describe('file snapshot store', () => {
  it('file snapshot store - snapshot directories are 0700 whatever the umask', async () => {
    const previous = process.umask(0o000);
    try {
      const store = createFileSnapshotStore({ dir: join(dir.path, 'private') });
      await store.put(
        toStoredSnapshot(sampleZoneSnapshot('z1', 1), { kind: SnapshotKind.Hot, logPosition: 1, takenAt: 1 }),
      );
      for (const path of [join(dir.path, 'private'), join(dir.path, 'private', 'z1')])
        expect((await stat(path)).mode & 0o777, path).toBe(0o700);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('file snapshot store - snapshot files are 0600 whatever the umask, a stale temp file too', async () => {
    const previous = process.umask(0o000);
    try {
      const zone = join(dir.path, 'private-files', 'z1');
      await mkdir(zone, { recursive: true });
      const store = createFileSnapshotStore({ dir: join(dir.path, 'private-files') });
      const snapshot = toStoredSnapshot(sampleZoneSnapshot('z1', 1), {
        kind: SnapshotKind.Hot,
        logPosition: 1,
        takenAt: 1,
      });
      // A temp file a crash left behind, world-readable.
      const names = async () => (await readdir(zone)).filter((n) => !n.endsWith('.tmp'));
      await store.put(snapshot);
      const [name] = await names();
      await writeFile(join(zone, `${name}.tmp`), 'stale', { mode: 0o644 });
      await store.put(snapshot);
      const files = await readdir(zone);
      expect(files).toEqual([name]);
      expect((await stat(join(zone, name!))).mode & 0o777).toBe(0o600);
      await store.close();
    } finally {
      process.umask(previous);
    }
  });

  it('file snapshot store - forget deletes every snapshot of one zone and leaves the others', async () => {
    const store = createFileSnapshotStore({ dir: join(dir.path, 'forget') });
    const put = (zoneId: string, takenAt: number) =>
      store.put(
        toStoredSnapshot(sampleZoneSnapshot(zoneId, takenAt), { kind: SnapshotKind.Hot, logPosition: 1, takenAt }),
      );
    for (const takenAt of [1, 2]) await put('room/gone', takenAt);
    await put('room/kept', 1);
    await store.forget!('room/gone');
    expect(await store.latest('room/gone')).toBeUndefined();
    expect(await store.list('room/gone')).toEqual([]);
    expect((await store.latest('room/kept'))?.zoneId).toBe('room/kept');
    expect(await readdir(join(dir.path, 'forget'))).toEqual([encodeURIComponent('room/kept')]);
    // Forgetting a zone with no snapshot is no error.
    await store.forget!('room/never');
  });

  it('file snapshot store - a truncated file is reported as corrupt, not misread', async () => {
    const store = createFileSnapshotStore({ dir: join(dir.path, 'corrupt') });
    await mkdir(join(dir.path, 'corrupt', 'z'), { recursive: true });
    await writeFile(
      join(dir.path, 'corrupt', 'z', `${'1'.padStart(15, '0')}-x.snapshot`),
      Buffer.from([0, 0, 1, 0, 1]),
    );
    await expect(store.latest('z')).rejects.toSatisfy(isSnapshotCorruptError);
  });
});
