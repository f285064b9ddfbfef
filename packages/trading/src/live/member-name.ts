/**
 * @module The default name of a live runner among its peers (`trading.live.member` unset). It
 * names the runner's durable candle consumer (`strategy.live.<member>`), so it must be the same
 * after a restart of the same process and differ between processes sharing a log.
 */

export interface MemberNameInput {
  host: string;
  /** The HTTP port; 0 or absent when the process has none fixed (tests pick a free one). */
  port?: number | undefined;
  pid: number;
  /**
   * The log admits one process (the embedded engine locks its directory). The host name alone is
   * then unique and survives a restart on another port, which would otherwise leave the old
   * consumer behind with a lag that grows forever.
   */
  soleProcess?: boolean | undefined;
}

export function defaultMemberName({ host, port, pid, soleProcess }: MemberNameInput): string {
  if (soleProcess) return host;
  // Port 0 is not unique on a host: the process id is, though not across restarts.
  return port ? `${host}-${port}` : `${host}-pid${pid}`;
}
