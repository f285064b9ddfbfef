/**
 * @module File modes for what Tickline writes under its data directory: the event log, the
 * database, snapshots and spill journals hold users' data, so only the owner may read them,
 * whatever the umask. `mkdir({ recursive, mode })` applies the mode to every directory it creates.
 */

/** Directories that hold data: owner only. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files that hold data or secrets: owner read/write only. */
export const PRIVATE_FILE_MODE = 0o600;
