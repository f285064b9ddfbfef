/**
 * @module The worker thread that owns the PGlite instance. PGlite runs Postgres compiled to WASM
 * on the calling thread (a 1,000-row insert blocked it ~29 ms); here it blocks only this thread.
 * Messages are handled one at a time in arrival order.
 */
import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { keepText, rowCountOf, TypeOid } from '../values/conversions.ts';
import { databaseErrorFields } from '../values/database-error-fields.ts';
import type { WorkerInit, WorkerReply, WorkerRequest } from './protocol.ts';
import { READY_ID } from './protocol.ts';

const port = parentPort!;
const init = workerData as WorkerInit;

// Date/time types without a zone stay text (see values/conversions.ts); PGlite applies an element
// parser to arrays of that type too.
const parsers = Object.fromEntries(
  [TypeOid.Date, TypeOid.Timestamp, TypeOid.Time, TypeOid.Interval].map((oid) => [oid, keepText]),
);

/**
 * Postgres settings on top of PGlite's own. PGlite runs Postgres as a single-user backend with no
 * checkpointer, and a backend requests a checkpoint on WAL volume only under a postmaster: the WAL
 * of the default simulator grew ~250 MB an hour, never recycled, whatever max_wal_size said. The
 * worker therefore runs CHECKPOINT itself on a timer (below); the small max_wal_size and
 * min_wal_size then bound how many segments each checkpoint keeps for reuse. Its 128 MB of shared
 * buffers live in the WebAssembly memory, which never shrinks: once the database outgrew them,
 * they were 128 MB of the process's resident memory; 16 MB keeps the hot pages (the OS page cache
 * holds the rest).
 */
const PGLITE_SETTINGS: readonly string[] = ['max_wal_size=64MB', 'min_wal_size=32MB', 'shared_buffers=16MB'];

let db: PGlite;
/** Set once PGlite has started: the checkpoint timer may fire before. */
let opened = false;
let openTx = 0;
let chain: Promise<void> = Promise.resolve();

function reply(message: WorkerReply): void {
  port.postMessage(message);
}

async function handle(request: WorkerRequest): Promise<void> {
  if (request.op === 'close') {
    closed = true;
    clearInterval(checkpoints);
    await db.close();
    reply({ id: request.id, ok: true });
    return;
  }
  if (request.op === 'memory') {
    reply({ id: request.id, ok: true, wasmMemoryBytes: opened ? db.Module.HEAPU8.byteLength : 0 });
    return;
  }
  if (request.op === 'copy') {
    await copyDataDir(request.to);
    reply({ id: request.id, ok: true });
    return;
  }
  if (request.tx !== openTx && request.op !== 'begin') {
    throw new Error(`statement for transaction ${request.tx} while transaction ${openTx} is open`);
  }
  switch (request.op) {
    case 'query': {
      const result = await db.query(request.text, request.params);
      const rowCount = rowCountOf(result.command, result.affectedRows, result.rows.length);
      reply({ id: request.id, ok: true, rows: result.rows, rowCount });
      return;
    }
    case 'exec':
      await db.exec(request.text);
      break;
    case 'begin':
      if (openTx !== 0) throw new Error(`BEGIN for transaction ${request.tx} while ${openTx} is open`);
      await db.query('begin');
      openTx = request.tx;
      break;
    case 'commit':
    case 'rollback': {
      openTx = 0;
      const result = await db.query(request.op);
      // COMMIT of a transaction that hit an error rolls back, and says so in its command tag.
      reply({ id: request.id, ok: true, rolledBack: result.command === 'ROLLBACK' });
      return;
    }
  }
  reply({ id: request.id, ok: true });
}

// The owner's locks stay with the owner: a copy opened later takes its own.
const LOCK_FILES = new Set(['tickline.lock', 'postmaster.pid']);

/**
 * An online copy of the database: after a CHECKPOINT every change is in the data files, and no
 * statement runs while this thread copies them (requests are handled one at a time, and the
 * main thread's lane holds no transaction open), so the copy is the database as of now — opened
 * elsewhere, it starts without replaying anything. The copy itself is synchronous: nothing
 * interleaves, not even the checkpoint timer.
 */
async function copyDataDir(to: string): Promise<void> {
  if (init.dataDir === undefined) throw new Error('an in-memory database has no files to copy');
  if (openTx !== 0) throw new Error(`cannot copy while transaction ${openTx} is open`);
  await db.query('checkpoint');
  const from = init.dataDir;
  cpSync(from, to, {
    recursive: true,
    errorOnExist: true,
    force: false,
    filter: (source) => !LOCK_FILES.has(basename(source)),
  });
}

port.on('message', (request: WorkerRequest) => {
  chain = chain.then(() =>
    handle(request).catch((error: unknown) =>
      reply({ id: request.id, ok: false, error: databaseErrorFields(error) }),
    ),
  );
});

/**
 * The checkpoint the backend never requests itself: queued behind the statements already sent,
 * skipped while a transaction is open (the next round catches up). A failure is not a caller's:
 * the next round tries again.
 */
let closed = false;
const checkpoints = setInterval(() => {
  chain = chain.then(async () => {
    // Not yet open (PGlite still starting), closed, or inside a caller's transaction.
    if (!opened || closed || openTx !== 0) return;
    try {
      await db.query('checkpoint');
    } catch {
      // The chain must stay fulfilled: a rejected link would skip every statement after it.
    }
  });
}, init.checkpointIntervalMs);
// The timer must not keep the worker alive once the client lets it go.
checkpoints.unref();
port.on('close', () => clearInterval(checkpoints));

try {
  const snapshot = init.snapshot;
  const open = (loadDataDir?: Blob) =>
    PGlite.create({
      ...(init.dataDir === undefined ? {} : { dataDir: init.dataDir }),
      ...(loadDataDir === undefined ? {} : { loadDataDir }),
      parsers,
      startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ['-c', setting])],
    });
  if (snapshot !== undefined && 'load' in snapshot) {
    // A snapshot that does not load (cut short, another build's): made again, then saved again.
    const load = async () => open(new Blob([readFileSync(snapshot.load)]));
    db = await load().catch(async () => {
      rmSync(snapshot.load, { force: true });
      const made = await open();
      await saveSnapshot(made, snapshot.load);
      return made;
    });
  } else {
    db = await open();
    if (snapshot !== undefined) await saveSnapshot(db, snapshot.save);
  }
  opened = true;
  reply({ id: READY_ID, ok: true });
} catch (error) {
  reply({ id: READY_ID, ok: false, error: databaseErrorFields(error) });
}

/**
 * Writes a tar of the newly made cluster to `path`, through a file of its own renamed into place:
 * another process making the same snapshot at once, or a reader, never sees half of one.
 */
async function saveSnapshot(made: PGlite, path: string): Promise<void> {
  const bytes = new Uint8Array(await (await made.dumpDataDir('none')).arrayBuffer());
  const partial = `${path}.${process.pid}.${Date.now()}.partial`;
  try {
    writeFileSync(partial, bytes, { mode: 0o600 });
    renameSync(partial, path);
  } catch {
    // A full or read-only temp dir: the next in-memory database runs initdb again.
    rmSync(partial, { force: true });
  }
}
