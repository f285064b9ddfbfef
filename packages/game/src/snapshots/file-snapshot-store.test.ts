import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileSnapshotStore } from './file-snapshot-store.ts';
import { isSnapshotCorruptError } from './snapshot-errors.ts';
import { runSnapshotStoreContract } from './snapshot-store-contract.ts';

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
