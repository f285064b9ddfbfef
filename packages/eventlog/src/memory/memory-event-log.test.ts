import { runEventLogContract } from '../contract/event-log-contract.ts';
import { runKeyInterestContract } from '../contract/key-interest-contract.ts';
import { createInMemoryEventLog } from './memory-event-log.ts';

runEventLogContract('in-memory', {
  create: async () => ({ log: createInMemoryEventLog() }),
  skip: { durability: 'memory is not durable by design' },
});

runKeyInterestContract('in-memory', async () => ({ log: createInMemoryEventLog() }));
