/**
 * @module @tickline/cli — the `tickline` command line without the server: the program and its exit
 * codes, the injected IO, and the commands (or the halves of commands) that talk to a running
 * server over its API: bots, research, live parity, the kill switch, market uploads and the
 * history upload, a backtest on a server; and the archive `tickline backup` writes. It needs only
 * the SDK, the wire contracts and the kernel (and zod, for the archive's manifest). The commands
 * that also act on this machine's stores (market, backtest, kill-switch --direct, log, migrate,
 * backup) are declared here, options and help, with that half supplied by @tickline/server, which
 * composes the program with the commands of the process itself (start, config).
 */
export { runCli, createProgram, CLI_COMMANDS } from './program.ts';
export { configOption, CONFIG_FILE_ENV, CLIENT_ENV } from './options.ts';
// Commands whose other half (the local store, log or database) the composer supplies.
export { backtestCommand } from './backtest/backtest-command.ts';
export { marketCommand } from './market/market-command.ts';
export { killSwitchCommand } from './risk/risk-command.ts';
export { logCommand } from './log/log-command.ts';
export { migrateCommand } from './migrate/migrate-command.ts';
export { backupCommands } from './backup/backup-command.ts';
export { processIo } from './io.ts';
export { ExitCode } from './exit-code.ts';
export { runCommand, reportCommandError } from './command-errors.ts';
export { CliErrorCodes, CliError, badArgument, isInvalidArgumentError } from './cli-errors.ts';
export { alignColumns } from './columns.ts';
export { progressBar } from './progress-bar.ts';
export { ticklineVersion } from './version-command.ts';
export { apiClient, localApiUrl, DEFAULT_API_URL } from './api/api-client.ts';
export { parseParams, positiveNumber, feedsOf } from './backtest/backtest-args.ts';
export { runBacktestOverApi } from './backtest/backtest-over-api.ts';
export { formatMetricsTable, metricsRows } from './backtest/metrics-table.ts';
export { serverApi, importFileOverApi, uploadCandlesOverApi, klineRow } from './market/history-over-api.ts';
export { listUploadsCommand, deleteUploadCommand, formatUploads } from './market/upload-actions.ts';
export { formatKillSwitch, engaged, AUDIT_LINES } from './risk/kill-switch-format.ts';
export { KillSwitchAction, killSwitchRoute, MAX_REASON_CHARS } from './risk/kill-switch-options.ts';
export { killSwitchApi, killSwitchOverApi } from './risk/kill-switch-over-api.ts';
// The archive of `tickline backup` / `restore`: its manifest, files and tools. The server's actions
// hold the data dir and the database while they run.
export {
  BackupErrorCodes,
  BackupError,
  isBackupDataDirInUseError,
  isBackupArchiveIncompatibleError,
} from './backup/backup-errors.ts';
export {
  BACKUP_FORMAT_VERSION,
  MANIFEST_FILE,
  POSTGRES_DUMP_FILE,
  BackupManifest,
  parseManifest,
  assertCompatible,
} from './backup/manifest.ts';
export {
  SKIPPED_FILES,
  hashTree,
  verifyTree,
  writeArchive,
  readArchiveManifest,
  extractArchive,
} from './backup/archive-files.ts';
export { dumpPostgres, restorePostgres, postgresConnection } from './backup/postgres-dump.ts';
export { findTool, runTool } from './backup/external-tool.ts';
export { createProgress, formatBytes } from './backup/progress.ts';

export type { CliIo } from './io.ts';
export type { CliOutcome, RegisterCommand } from './program.ts';
export type { CliErrorCode } from './cli-errors.ts';
export type { LocalBacktest } from './backtest/backtest-command.ts';
export type { LocalMarket, MarketImportOptions, MarketBackfillOptions } from './market/market-command.ts';
export type { LocalKillSwitch } from './risk/risk-command.ts';
export type { LocalLog, LogCommandOptions, LogTailOptions, LogReplayOptions } from './log/log-command.ts';
export type { LocalMigrate, MigrateCommandOptions } from './migrate/migrate-command.ts';
export type {
  LocalBackup,
  BackupCommandOptions,
  RestoreCommandOptions,
  BackupListOptions,
  PitrSetupOptions,
  PitrBaseOptions,
  PitrRestoreOptions,
} from './backup/backup-command.ts';
export type { ProgressBar } from './progress-bar.ts';
export type { ApiOptions, ApiCall } from './api/api-client.ts';
export type { BacktestCommandOptions } from './backtest/backtest-args.ts';
export type { RemoteBacktestRequest } from './backtest/backtest-over-api.ts';
export type {
  HistoryTarget,
  ImportSummary,
  KlineCandle,
  OpenedKlineText,
} from './market/history-over-api.ts';
export type { UploadsOptions } from './market/upload-actions.ts';
export type { KillSwitchCommandOptions, KillSwitchRoute } from './risk/kill-switch-options.ts';
export type { BackupErrorCode } from './backup/backup-errors.ts';
export type { ManifestFile, RestoreTarget } from './backup/manifest.ts';
export type { ArchiveSource } from './backup/archive-files.ts';
