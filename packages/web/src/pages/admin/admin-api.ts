/**
 * @module Where the dashboard reaches the operations API (`/api/v1/admin/...`, admin only). Its
 * response shapes and the live channels' names and event types are `@tickline/protocol`'s.
 */
import { Channel, EventType } from '@tickline/protocol';

export const ADMIN = '/api/v1/admin';
/** How often the views without a live channel (snapshots, dead letters, players, health) re-read. */
export const ADMIN_REFRESH_MS = 2_000;
/**
 * How often the Data section (backups, the archive tier) re-reads: they change a few times a day,
 * and the page shares the admin's per-minute request budget with the other views.
 */
export const DATA_REFRESH_MS = 60_000;

/** Live operations channels (admins only), published about once a second while watched. */
export const AdminChannel = {
  Zones: { channel: Channel.adminZones, type: EventType.AdminZones },
  Streams: { channel: Channel.adminStreams, type: EventType.AdminStreams },
} as const;
