import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openKlineText } from './kline-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'kline-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const text = async (stream: AsyncIterable<unknown>): Promise<string> => {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
};

describe('market import - kline files', () => {
  const rows = Array.from(
    { length: 2_000 },
    (_, i) => `${1_606_780_800_000 + i * 3_600_000},1,2,0.5,1.5,10,0,0,0,0,0,0`,
  );
  const csv = `${rows.join('\n')}\n€ multi-byte last line\n`;

  it('reads a plain file as text, its size in bytes', async () => {
    const file = join(dir, 'plain.csv');
    writeFileSync(file, csv);
    const { stream, size } = await openKlineText(file);
    expect(size).toBe(Buffer.byteLength(csv));
    expect(await text(stream)).toBe(csv);
  });

  it('reads a .gz file as the same text, its size the uncompressed one', async () => {
    const file = join(dir, 'BTCUSDT-1h-2020-12.csv.gz');
    writeFileSync(file, gzipSync(csv));
    const { stream, size } = await openKlineText(file);
    expect(size).toBe(Buffer.byteLength(csv));
    expect(await text(stream)).toBe(csv);
  });
});
