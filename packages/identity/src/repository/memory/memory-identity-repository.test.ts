import { runIdentityRepositoryContract } from '../contract/identity-repository-contract.ts';
import { createInMemoryIdentityRepository } from './memory-identity-repository.ts';

const repository = createInMemoryIdentityRepository();
runIdentityRepositoryContract('in-memory', () => repository);
