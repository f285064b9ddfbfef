import { describe, expect, it } from 'vitest';
import { deleteKlineUpload, listKlineUploads, type UploadCall } from './kline-upload.ts';

describe('kline uploads - list and delete', () => {
  it('kline uploads - lists the caller’s uploads and deletes one by its escaped id', async () => {
    const asked: Array<[string, string, unknown]> = [];
    const call = (async (method: string, path: string, body?: unknown) => {
      asked.push([method, path, body]);
      return method === 'GET' ? { uploads: [{ id: 'u-1', candles: 3 }] } : undefined;
    }) as UploadCall;
    expect(await listKlineUploads(call, 20)).toEqual([{ id: 'u-1', candles: 3 }]);
    await deleteKlineUpload(call, 'a/b');
    expect(asked).toEqual([
      ['GET', '/history/uploads?limit=20', undefined],
      ['DELETE', '/history/uploads/a%2Fb', undefined],
    ]);
  });
});
