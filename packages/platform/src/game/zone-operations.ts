/**
 * @module The zone operations the platform's operations API calls: the game package's port, local
 * or over request/reply; a process reaching no zones at all answers PLATFORM_UNAVAILABLE.
 */
export type { ZoneOperations, ZoneStatus, LivePlayerState, ZoneSnapshotInfo, Notice } from '@tickline/game';
