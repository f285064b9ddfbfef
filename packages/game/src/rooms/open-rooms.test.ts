import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir, type TempDir } from '@tickline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRoomsFile } from './open-rooms.ts';

let dir: TempDir;
beforeAll(async () => {
  dir = await tempDir('tickline-open-rooms');
});
afterAll(() => dir?.remove());

describe('open rooms file', () => {
  it('open rooms - the list written is the list read by the next process, private to its owner', async () => {
    const file = join(dir.path, 'data', 'game-rooms.json');
    const first = openRoomsFile(file);
    first.set({ roomId: 'connect-four-a', game: 'connect-four', code: 'ABC234' });
    first.set({ roomId: 'tag-b', game: 'tag' });
    first.set({ roomId: 'tag-c', game: 'tag' });
    first.delete('tag-b');
    await first.flush();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await openRoomsFile(file).read()).toEqual([
      { roomId: 'connect-four-a', game: 'connect-four', code: 'ABC234' },
      { roomId: 'tag-c', game: 'tag' },
    ]);
  });

  it('open rooms - a missing file is no room; an unreadable or foreign one is no room and is not misread', async () => {
    expect(await openRoomsFile(join(dir.path, 'none.json')).read()).toEqual([]);
    const warnings: string[] = [];
    const logger = { warn: (_: unknown, message: string) => warnings.push(message) } as never;
    for (const [name, text] of [
      ['torn.json', '{"format":1,"rooms":[{"roomId":'],
      ['future.json', '{"format":2,"rooms":[]}'],
    ] as const) {
      await writeFile(join(dir.path, name), text);
      expect(await openRoomsFile(join(dir.path, name), logger).read()).toEqual([]);
    }
    expect(warnings).toHaveLength(2);
    // Entries of the wrong shape are skipped, the others kept.
    const mixed = join(dir.path, 'mixed.json');
    await writeFile(mixed, JSON.stringify({ format: 1, rooms: [{ roomId: 1 }, { roomId: 'r', game: 'g' }, null] }));
    const list = openRoomsFile(mixed);
    expect(await list.read()).toEqual([{ roomId: 'r', game: 'g' }]);
    // What was read is the list the process goes on with.
    list.delete('r');
    await list.flush();
    expect(JSON.parse(await readFile(mixed, 'utf8'))).toEqual({ format: 1, rooms: [] });
  });
});
