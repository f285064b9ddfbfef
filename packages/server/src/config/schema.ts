/**
 * @module The Tickline config schema: every setting with its description and default. Each
 * setting is also an environment variable named after its path (`http.port` ↔
 * `TICKLINE_HTTP_PORT`); `tickline config print` shows the effective values.
 */
import { z } from 'zod';
import { DOMAINS } from '../domains.ts';
import { DatabaseSchema } from './database-schema.ts';
import {
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_UPGRADE_TIMEOUT_MS,
} from '../http/plugins/limits/pre-auth-limits.ts';
import {
  DEFAULT_CONNECTIONS_PER_ADDRESS,
  DEFAULT_RESERVED_FDS,
} from '../http/plugins/limits/connection-limits.ts';

export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024; // 1 MiB
export const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024; // 64 MiB, as the embedded log's own default
export const DEFAULT_FSYNC_INTERVAL_MS = 100;
/**
 * The embedded default's disk budget for the event log: retention keeps the sealed segments
 * under 1 GiB, so with the open segment the log stays under 1.1 GiB. Forming candles and
 * indicator updates are live-only, so the default simulator's durable events (trades, closed
 * candles, statuses: ~15 KB/s) fill it in about 19 hours; older segments are deleted first.
 */
export const DEFAULT_EMBEDDED_RETENTION_MAX_BYTES = 1024 * 1024 * 1024; // 1 GiB
/** And nothing older than a week, whatever the size. */
export const DEFAULT_EMBEDDED_RETENTION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * The embedded log's in-memory record cache for a whole-platform process. The library keeps
 * 64 MiB for throughput runs; live consumers of a single process stay within milliseconds of the
 * head, and the cache is filled once and then held: 64 MiB was a sixth of the memory budget of
 * `tickline start`, 16 MiB still most of its growth over the first 18 minutes of the default
 * simulator. 8 MiB is ~9 minutes of it, or ~0.15 s at 60 MB/s; a consumer further behind reads
 * the segments (from the OS page cache).
 */
export const DEFAULT_EMBEDDED_CACHE_BYTES = 8 * 1024 * 1024; // 8 MiB
export const DEFAULT_NATS_SERVERS = ['nats://127.0.0.1:4222'];
export const DEFAULT_STREAM = 'TICKLINE';
export const DEFAULT_MAX_QUEUED_EVENTS = 100_000;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024; // 16 KiB, Node's own default
export const DEFAULT_ANONYMOUS_REQUESTS_PER_MINUTE = 60;
export const DEFAULT_ANONYMOUS_BURST = 20;
export const DEFAULT_REDIS_KEY_PREFIX = 'tickline:';
// A rate-limit check waits at most this long for Redis before the request goes through unchecked.
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 250;

/** Process roles; see roles.ts for what each runs. Defined here: roles.ts reads the domain list. */
export const RoleName = {
  All: 'all',
  Gateway: 'gateway',
  Collector: 'collector',
  Game: 'game',
  Platform: 'platform',
  Strategy: 'strategy',
} as const;
export type RoleName = (typeof RoleName)[keyof typeof RoleName];

const LogLevel = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
const PositiveInt = z.int().positive();
/** One log for the game's events: the zone events stay in the main log. */
export const DEFAULT_GAME_LOG_PARTITIONS = 1;
/** More partitions than this is more streams than a zone count needs (a zone is one partition's key). */
export const MAX_GAME_LOG_PARTITIONS = 64;
// 0 turns a limit off; JSON Schema shows it as `an integer ≥ 0`.
const LimitOrZero = z.int().min(0);

const EmbeddedSchema = z.strictObject({
  fsync: z
    .enum(['always', 'interval', 'never'])
    .default('always')
    .describe(
      'always: every group commit is fsynced before appends resolve (survives power loss); interval: fsync every fsyncIntervalMs (survives a process crash); never: only on segment roll and close.',
    ),
  fsyncIntervalMs: PositiveInt.default(DEFAULT_FSYNC_INTERVAL_MS).describe(
    'Background fsync period under fsync: interval.',
  ),
  segmentBytes: PositiveInt.default(DEFAULT_SEGMENT_BYTES).describe(
    'Size at which a segment file is sealed and a new one started.',
  ),
  cacheBytes: PositiveInt.default(DEFAULT_EMBEDDED_CACHE_BYTES).describe(
    'Recently appended records kept in memory so live consumers never re-read them (payload plus ~160 bytes a record); a consumer further behind reads the segments.',
  ),
  retention: z
    .strictObject({
      maxBytes: LimitOrZero.default(DEFAULT_EMBEDDED_RETENTION_MAX_BYTES).describe(
        'Delete the oldest sealed segments past this total size (the disk budget: 1 GiB plus the open segment); 0 keeps everything.',
      ),
      maxAgeMs: LimitOrZero.default(DEFAULT_EMBEDDED_RETENTION_MAX_AGE_MS).describe(
        'Delete sealed segments older than this (7 days); 0 keeps everything.',
      ),
    })
    .prefault({}),
});

const NatsSchema = z.strictObject({
  servers: z
    .array(z.string().min(1))
    .min(1)
    .default(DEFAULT_NATS_SERVERS)
    .describe('NATS server URLs (credentials in a URL are redacted when printed).'),
  stream: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default(DEFAULT_STREAM)
    .describe('JetStream stream name; the dead-letter stream is <stream>_DLQ.'),
  replicas: z
    .int()
    .min(1)
    .max(5)
    .default(1)
    .describe('Stream replicas; use 3 on a 3-node cluster for durability.'),
  user: z.string().min(1).optional().describe('User name for user/password authentication.'),
  password: z.string().min(1).optional().describe('Password for user/password authentication (secret).'),
  token: z.string().min(1).optional().describe('Token authentication (secret).'),
});

const CorsSchema = z.strictObject({
  origins: z
    .array(z.string().min(1))
    .default([])
    .describe(
      'Origins allowed to call the API from a browser (`https://app.example.com`, or `*` for any without credentials); empty: same origin only.',
    ),
  credentials: z
    .boolean()
    .default(false)
    .describe('Let those origins send cookies and Authorization (Access-Control-Allow-Credentials).'),
});

const TlsSchema = z
  .strictObject({
    certFile: z
      .string()
      .min(1)
      .optional()
      .describe('PEM certificate (chain) file; with keyFile, serve HTTPS.'),
    keyFile: z.string().min(1).optional().describe('PEM private key file of certFile.'),
  })
  .refine((tls) => (tls.certFile === undefined) === (tls.keyFile === undefined), {
    message: 'http.tls.certFile and http.tls.keyFile must be given together',
    path: ['keyFile'],
  });

const RateLimitSchema = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      'Limit /api/v1 requests per API key, per user (by tier) and per address for anonymous callers.',
    ),
  anonymous: z
    .strictObject({
      requestsPerMinute: PositiveInt.default(DEFAULT_ANONYMOUS_REQUESTS_PER_MINUTE).describe(
        'Sustained requests per minute from one address without credentials.',
      ),
      burst: LimitOrZero.default(DEFAULT_ANONYMOUS_BURST).describe(
        'Extra requests one address may make at once above the sustained rate.',
      ),
    })
    .prefault({}),
});

/** An address, a CIDR range, or proxy-addr's names for the private ranges. */
const PROXY_ADDRESS = /^(?:[0-9a-fA-F:.]+(?:\/\d{1,3})?|loopback|linklocal|uniquelocal)$/;
const TRUST_ALL_REFUSED =
  'true is refused: it would trust the left-most X-Forwarded-For, which any client writes; give the proxies’ addresses or CIDR ranges, or the hop count';
/** Most proxies a request may pass through before reaching us. */
export const MAX_TRUSTED_PROXY_HOPS = 16;

// The client address behind proxies: X-Forwarded-For is read from the right, trusting only the
// given proxies (or the given number of hops); never the left-most entry, which any client writes.
const TrustProxySchema = z
  .preprocess(
    (value, ctx) => {
      if (value === true || value === 'true') {
        ctx.addIssue({ code: 'custom', message: TRUST_ALL_REFUSED });
        return false;
      }
      if (typeof value !== 'string') return value;
      const text = value.trim();
      if (text === '' || text === 'false') return false;
      if (/^\d+$/.test(text)) return Number(text);
      return text
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
    },
    z.union(
      [
        z.literal(false),
        z.int().min(1).max(MAX_TRUSTED_PROXY_HOPS),
        z.array(z.string().regex(PROXY_ADDRESS)).min(1),
      ],
      {
        error:
          'expected false, a hop count (1–16), or the proxies’ addresses or CIDR ranges (a list, or comma-separated)',
      },
    ),
  )
  .default(false)
  .describe(
    'Proxies in front of this server whose X-Forwarded-For is trusted: their addresses or CIDR ranges (e.g. [10.0.0.0/8] or "loopback"), or how many proxy hops there are. The client address (rate limits, sign-in throttling, the address new-sign-in notices name) is the right-most untrusted entry. false: the socket address.',
  );

const RedisSchema = z.strictObject({
  url: z
    .string()
    .min(1)
    .optional()
    .describe('redis:// or rediss:// URL; when set, rate limits are shared through Redis (scaled mode).'),
  keyPrefix: z
    .string()
    .default(DEFAULT_REDIS_KEY_PREFIX)
    .describe('Prefix of every key Tickline writes, so deployments can share a Redis.'),
  commandTimeoutMs: PositiveInt.default(DEFAULT_REDIS_COMMAND_TIMEOUT_MS).describe(
    'Longest wait for one Redis command on a request path; past it the request proceeds (fail open).',
  ),
});

/** The whole configuration, as validated at start. */
export const TicklineConfigSchema = z
  .strictObject({
    role: z
      .enum(Object.values(RoleName) as [RoleName, ...RoleName[]])
      .default(RoleName.All)
      .describe('What this process runs; `--role` overrides it.'),
    dataDir: z
      .string()
      .min(1)
      .default('./data')
      .describe('Where the embedded event log, spill journal and other local data live.'),
    http: z
      .strictObject({
        host: z
          .string()
          .min(1)
          .default('0.0.0.0')
          .describe('Interface to listen on; 127.0.0.1 keeps it local.'),
        port: z
          .int()
          .min(0)
          .max(65535)
          .default(DEFAULT_HTTP_PORT)
          .describe('TCP port; 0 picks a free one (printed at start).'),
        reusePort: z
          .boolean()
          .default(false)
          .describe(
            'Linux SO_REUSEPORT: several tickline processes (e.g. --role gateway) listen on the same host and port and the kernel spreads new connections between them. Every process sharing the port must set it; without it a second process fails with EADDRINUSE.',
          ),
        bodyLimitBytes: PositiveInt.default(DEFAULT_BODY_LIMIT_BYTES).describe(
          'Largest request body accepted.',
        ),
        maxHeaderBytes: PositiveInt.default(DEFAULT_MAX_HEADER_BYTES).describe(
          'Largest request head (request line and headers) accepted; larger ones get 431.',
        ),
        trustProxy: TrustProxySchema,
        publicUrl: z
          .url()
          .optional()
          .describe(
            'The URL users reach this server at (e.g. https://tickline.example behind a TLS-ending proxy). The session and OIDC state cookies are Secure when it is https (whatever protocol the proxy speaks to this server); unset: when this server serves TLS itself. Links in mails point there unless notify.publicBaseUrl is set; with notify.email.host set, one of the two is required.',
          ),
        docs: z.boolean().default(true).describe('Serve the OpenAPI document and the /api/docs page.'),
        timeouts: z
          .strictObject({
            headersMs: PositiveInt.default(DEFAULT_HEADERS_TIMEOUT_MS).describe(
              'Time a client has to finish a request head; then 408 and the connection closes.',
            ),
            upgradeMs: PositiveInt.default(DEFAULT_UPGRADE_TIMEOUT_MS).describe(
              'Time from a WebSocket upgrade request to an open WebSocket (authentication included); then the socket closes.',
            ),
            tlsHandshakeMs: PositiveInt.default(DEFAULT_TLS_HANDSHAKE_TIMEOUT_MS).describe(
              'Time a client has to finish the TLS handshake (HTTPS only).',
            ),
            requestMs: PositiveInt.default(DEFAULT_REQUEST_TIMEOUT_MS).describe(
              'Time a client has to send a whole request, head and body (at least headersMs); then 408 and the connection closes.',
            ),
            idleMs: PositiveInt.default(DEFAULT_IDLE_TIMEOUT_MS).describe(
              'A connection with no byte read or written for this long is closed (open WebSockets excepted). Keep it above realtime.keepAliveMs, or idle SSE streams are cut.',
            ),
          })
          .refine((t) => t.requestMs >= t.headersMs, {
            message: 'http.timeouts.requestMs must be at least http.timeouts.headersMs',
            path: ['requestMs'],
          })
          .prefault({}),
        connections: z
          .strictObject({
            perAddress: z
              .int()
              .min(0)
              .default(DEFAULT_CONNECTIONS_PER_ADDRESS)
              .describe(
                'Open connections per client address (an IPv6 /64 counts as one), refused 429 HTTP_TOO_MANY_CONNECTIONS before the request is read; 0 turns it off. Off behind trusted proxies (http.trustProxy): cap clients at the proxy.',
              ),
            reservedFds: z
              .int()
              .min(0)
              .default(DEFAULT_RESERVED_FDS)
              .describe(
                "File descriptors kept from connections for the process itself (event log, database, sandbox pipes): past the open-files limit less these (at most half of it), counting HTTP and the game's TCP port together, a new HTTP connection gets 503 HTTP_CONNECTIONS_EXHAUSTED and a game one is closed GAME_SERVER_FULL.",
              ),
          })
          .prefault({}),
        cors: CorsSchema.prefault({}),
        tls: TlsSchema.prefault({}),
        rateLimit: RateLimitSchema.prefault({}),
      })
      .prefault({}),
    redis: RedisSchema.prefault({}),
    admin: z
      .strictObject({
        listen: z
          .strictObject({
            host: z
              .string()
              .min(1)
              .default('127.0.0.1')
              .describe('Interface of the admin listener (keep it private).'),
            port: z.int().min(0).max(65_535).describe('Port of the admin listener (0: any free port).'),
          })
          .optional()
          .describe(
            'Serve /metrics, /api/docs, /api/openapi.json and source maps on this address only; the public port answers them 404. Unset: on the public port.',
          ),
      })
      .prefault({}),
    log: z
      .strictObject({
        level: LogLevel.default('info').describe('Lowest level written (to stdout).'),
        format: z
          .enum(['auto', 'pretty', 'json'])
          .default('auto')
          .describe(
            'auto: short coloured lines (pino-pretty) when stdout is a terminal, JSON lines otherwise; pretty or json force one.',
          ),
      })
      .prefault({}),
    eventlog: z
      .strictObject({
        engine: z
          .enum(['embedded', 'nats'])
          .default('embedded')
          .describe(
            'embedded: segment files under dataDir (one process); nats: a NATS JetStream stream (scaled).',
          ),
        embedded: EmbeddedSchema.prefault({}),
        nats: NatsSchema.prefault({}),
        gamePartitions: z
          .int()
          .min(1)
          .max(MAX_GAME_LOG_PARTITIONS)
          .default(DEFAULT_GAME_LOG_PARTITIONS)
          .describe(
            "Logs the game's zone events (game.player.*) are split over, a zone's events all in the partition its id hashes to (FNV-1a). 1: they stay in the main log. More on NATS spreads the moves over that many streams (`<stream>_GAME<i>`), so no single stream leader carries every move; embedded, over `eventlog-game-<i>` directories. Changing it is a migration (docs/eventlog.md).",
          ),
      })
      .prefault({}),
    publisher: z
      .strictObject({
        maxQueuedEvents: PositiveInt.default(DEFAULT_MAX_QUEUED_EVENTS).describe(
          'Events held in memory while the log is slow or down; beyond this they go to the spill journal.',
        ),
        thread: z
          .enum(['main', 'worker'])
          .default('main')
          .describe(
            "main: events are encoded and sent on the process's own thread; worker: in a worker thread with its own NATS connection (the collector then hands trades over as packed fields and builds no event). worker needs eventlog.engine nats: the embedded log has one writer, the process itself.",
          ),
      })
      .prefault({}),
    shutdown: z
      .strictObject({
        timeoutMs: PositiveInt.default(DEFAULT_SHUTDOWN_TIMEOUT_MS).describe(
          'Time allowed for stopping everything (after the drain).',
        ),
        drainMs: LimitOrZero.default(0).describe(
          'On SIGTERM, time spent draining before the stop: /readyz answers 503 and every HTTP response closes its connection, so a load balancer (or a blue/green Service flipped to the other colour) moves clients elsewhere. 0 stops at once; behind a load balancer use a few seconds (the blue/green overlay sets 10000).',
        ),
      })
      .prefault({}),
    database: DatabaseSchema.prefault({}),
    // Each domain's own section, with its own defaults (domains.ts).
    ...domainSections(),
  })
  .refine((config) => config.http.timeouts.idleMs > config.realtime.keepAliveMs, {
    // An SSE stream writes only its keep-alive when nothing happens: a shorter idle cut would end it.
    message: 'http.timeouts.idleMs must be above realtime.keepAliveMs',
    path: ['http', 'timeouts', 'idleMs'],
  })
  .refine((config) => config.publisher.thread === 'main' || config.eventlog.engine === 'nats', {
    // The worker opens the log itself; an embedded log is locked to one writer, this process.
    message: 'publisher.thread worker needs eventlog.engine nats',
    path: ['publisher', 'thread'],
  })
  .refine(
    (config) =>
      !config.notify.enabled ||
      config.notify.email.host === undefined ||
      config.notify.publicBaseUrl !== undefined ||
      config.http.publicUrl !== undefined,
    {
      // A verification mail without its link proves nothing and tells the user to open nothing.
      message:
        'notify.email.host sends mail whose links need a base URL: set http.publicUrl (or notify.publicBaseUrl)',
      path: ['http', 'publicUrl'],
    },
  );

type Sections = {
  [
    D in (typeof DOMAINS)[number] as D extends { config: { key: infer K extends string } } ? K : never
  ]: D extends {
    config: { schema: infer S };
  }
    ? S
    : never;
};

function domainSections(): Sections {
  const sections: Record<string, z.ZodType> = {};
  for (const domain of DOMAINS) if ('config' in domain) sections[domain.config.key] = domain.config.schema;
  return sections as Sections;
}

/** The validated, frozen config every component receives (or a slice of it). */
export type TicklineConfig = z.output<typeof TicklineConfigSchema>;
