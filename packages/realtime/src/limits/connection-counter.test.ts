import { createMemoryConnectionCounter } from './connection-counter.ts';
import { runConnectionCounterContract } from './connection-counter-contract.ts';

runConnectionCounterContract('memory', (clock, leaseMs) => createMemoryConnectionCounter({ clock, leaseMs }));
