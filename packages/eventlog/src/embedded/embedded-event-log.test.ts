import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEventLogContract } from '../contract/event-log-contract.ts';
import { createEmbeddedEventLog } from './embedded-event-log.ts';

runEventLogContract('embedded', {
  create: async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tickline-evlog-'));
    const log = await createEmbeddedEventLog({ dir });
    let current = log;
    return {
      log,
      reopen: async () => {
        await current.close();
        current = await createEmbeddedEventLog({ dir });
        return current;
      },
      cleanup: async () => {
        await current.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
});
