/** @module PostgreSQL WAL positions (`pg_lsn`, printed `16/B374D848`) as byte offsets. */

/** The byte offset of an LSN as PostgreSQL prints it; undefined for null or a malformed value. */
export function lsnToBytes(lsn: string | null | undefined): bigint | undefined {
  const match = lsn ? /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(lsn) : null;
  if (!match) return undefined;
  return (BigInt(`0x${match[1]}`) << 32n) + BigInt(`0x${match[2]}`);
}

/** How many bytes `behind` trails `ahead`; 0 when it does not (it may have replayed past a read taken earlier). */
export function lsnDistance(ahead: string | null, behind: string | null): number | undefined {
  const a = lsnToBytes(ahead);
  const b = lsnToBytes(behind);
  if (a === undefined || b === undefined) return undefined;
  return a > b ? Number(a - b) : 0;
}
