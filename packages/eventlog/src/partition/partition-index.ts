/**
 * @module Which of N partitions a key belongs to: FNV-1a (32-bit) over the key's UTF-8 bytes, modulo
 * N. Stable across processes, versions and machines (no seed), so every producer, consumer and
 * replay of a deployment agrees on a key's partition; a key's records all go to one partition,
 * which keeps their order. Kafka's default partitioner is murmur2; a Kafka adapter keeps this one
 * so a zone stays in the same partition whichever engine logs it.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a of `key`'s UTF-8 bytes, as an unsigned 32-bit integer. */
export function fnv1a32(key: string): number {
  let hash = FNV_OFFSET;
  for (const byte of encoder.encode(key)) hash = Math.imul(hash ^ byte, FNV_PRIME);
  return hash >>> 0;
}

/** The partition (0 … count − 1) of `key`. */
export function partitionIndex(key: string, count: number): number {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`partition count must be a positive integer, got ${count}`);
  return fnv1a32(key) % count;
}
