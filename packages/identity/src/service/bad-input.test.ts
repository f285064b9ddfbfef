import { createInMemoryIdentityRepository } from '../repository/memory/memory-identity-repository.ts';
import { runBadInputSuite } from '../testing/bad-input-suite.ts';
import { createTestIdentity } from '../testing/identity-test-kit.ts';

runBadInputSuite('in-memory repository', async () => {
  const repository = createInMemoryIdentityRepository();
  return { kit: createTestIdentity({ repository }), snapshot: async () => repository.snapshot() };
});
