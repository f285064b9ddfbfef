/** @module A fresh database per test file on a shared PostgreSQL server. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

let counter = 0;

/**
 * Creates database `name` (made unique with a random suffix) on the server at `url` and returns
 * the URL pointing at it. Nothing drops it: the server's data dir is thrown away after the run.
 */
export async function createDatabase(url: string, name = 'test'): Promise<string> {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .slice(0, 40);
  const database = `${base}_${process.pid}_${++counter}_${randomBytes(3).toString('hex')}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${database}`;
  return target.toString();
}
