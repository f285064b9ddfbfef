/**
 * @module This process's stable node id, kept in `${dataDir}/node-id`: it names the gateway's
 * durable fan-out consumer, so a restart reuses its consumer instead of leaving one behind per start.
 */
import { resolve } from 'node:path';
import { readOrCreatePrivateFile, uuidv7 } from '@tickline/kernel';

export const NODE_ID_FILE = 'node-id';

/** Reads the node id, creating it on first use. */
export async function loadNodeId(dataDir: string): Promise<string> {
  return (await readOrCreatePrivateFile(resolve(dataDir, NODE_ID_FILE), () => uuidv7())).value;
}
