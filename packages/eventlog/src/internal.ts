/** @module Everything public plus what tests and sibling packages need: the contract suite. */
export * from './index.ts';
export { runEventLogContract, sampleRecord } from './contract/event-log-contract.ts';
export type { ContractSubject, ContractOptions, ContractCase } from './contract/event-log-contract.ts';
export { DedupeWindow, DEFAULT_DEDUPE_WINDOW_MS } from './memory/dedupe-window.ts';
export { AppendSignal } from './memory/append-signal.ts';
export { escapeToken, unescapeToken, SubjectScheme } from './nats/subjects.ts';
export { resolveNatsOptions } from './nats/options.ts';
export type { ResolvedNatsEventLogOptions } from './nats/options.ts';
export { SpillJournal } from './publisher/spill-journal.ts';
export { encodeFrames, parseFrames } from './publisher/journal-frame.ts';
export { isPermanentAppendError, isTransientAppendError } from './publisher/append-with-retry.ts';
export { resolveEmbeddedOptions } from './embedded/options.ts';
export type { ResolvedEmbeddedEventLogOptions } from './embedded/options.ts';
export { processBatch } from './consumer/process-batch.ts';
export { retryUntilStopped, ConsumerStoppedError } from './consumer/retry-until-stopped.ts';
export { deadLetterRecord } from './consumer/dead-letter.ts';
export { runRequestReplyContract } from './rpc/request-reply-contract.ts';
export type { RequestReplyPair } from './rpc/request-reply-contract.ts';
