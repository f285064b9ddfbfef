import { createMemorySnapshotStore } from './memory-snapshot-store.ts';
import { runSnapshotStoreContract } from './snapshot-store-contract.ts';

runSnapshotStoreContract('memory', {
  open: ({ maxPerZone }) => Promise.resolve(createMemorySnapshotStore({ maxPerZone })),
});
