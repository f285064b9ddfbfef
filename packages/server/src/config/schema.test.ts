import { isConfigInvalidError, listConfigFields } from '@tickline/kernel';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadTicklineConfig } from './load.ts';
import { TicklineConfigSchema } from './schema.ts';

const dir = mkdtempSync(join(tmpdir(), 'tickline-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function message(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isConfigInvalidError(error)) return error.message;
    throw error;
  }
  throw new Error('expected a config error');
}

describe('config - tickline schema', () => {
  it('schema - no file and no environment give the documented defaults', () => {
    // The strategy, trading and notify sections are their modules' own defaults, compared on their own.
    const { strategy, trading, notify, ...rest } = loadTicklineConfig({ env: {} });
    expect(trading).toEqual({
      chat: {
        telegram: {
          apiUrl: 'https://api.telegram.org',
          linkCodeTtlMs: 600000,
          mode: 'poll',
          poll: true,
          pollSeconds: 25,
        },
      },
      live: {
        closedMarket: 'refuse',
        enabled: true,
        dataHealth: {
          staleIntervals: 3,
          jumpPercent: 20,
          healthyCandles: 2,
          staleMinMs: 30000,
          gapMinMs: 10000,
          checkMs: 1000,
        },
        enablesPerMinute: 6,
        heartbeatMs: 3000,
        memberTtlMs: 15000,
        parityCheckMs: 900000,
        processMemoryMb: 4096,
        risk: {
          maxDailyLoss: 0,
          maxOrderNotional: 0,
          maxOrdersPerMinute: 120,
          maxPositionValue: 0,
          maxPositionPercent: 125,
          maxDailyLossPercent: 10,
        },
        stallMs: 30000,
        syncMs: 2000,
        warmupCpuMs: 2000,
        waveBoxMs: 2000,
        tiers: {
          free: { cpuMsPerCandle: 50, maxLive: 2, memoryMb: 32 },
          premium: { cpuMsPerCandle: 100, maxLive: 20, memoryMb: 64 },
          enterprise: { cpuMsPerCandle: 250, maxLive: 200, memoryMb: 128 },
        },
      },
      venues: {
        binance: {
          enabled: false,
          baseUrl: 'https://testnet.binance.vision',
          wsApiUrl: 'wss://ws-api.testnet.binance.vision/ws-api/v3',
          recvWindowMs: 5000,
          requestTimeoutMs: 10000,
          timeSyncIntervalMs: 600000,
          lookupBeforePlace: true,
          keyPermissions: 'api-restrictions',
          streamReconnectMs: 500,
        },
      },
    });
    expect(strategy).toEqual({
      codeKeys: { dev: 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=' },
      currentKeyId: 'dev',
      // Feeds a sandbox process keeps between runs (research trials reuse them), per process.
      feedCacheMb: 192,
      // The promotion gate is on for every tier but the admin's; an operator may set [] to turn it off.
      gate: {
        maxPbo: 0.5,
        minDeflatedSharpe: 0.95,
        minOutOfSampleBarSharpe: 0,
        requireLookahead: true,
        requiredTiers: ['free', 'premium', 'enterprise'],
      },
      // History downloads from venues' public REST APIs: venue days a user may fetch a UTC day.
      history: {
        download: {
          maxDays: 3660,
          maxWaitMs: 120000,
          restUrls: {},
          venueDaysPerDay: { free: 90, premium: 1000, enterprise: 10000 },
        },
        importShipped: true,
      },
      maxCodeBytes: 131072,
      output: { maxLogLines: 1000, maxLogLineChars: 500, maxPlotSeries: 16, maxPlotPoints: 2000 },
      params: { maxParams: 64, maxNameChars: 64, maxTextChars: 200, maxEnumValues: 64 },
      compile: { perUser: 2, maxInFlight: 8 },
      workers: 2,
      progressIntervalMs: 500,
      // Research jobs: a job's size and CPU and wall budgets per tier, active jobs at once.
      research: {
        maxActiveJobs: 8,
        tiers: {
          free: {
            cpuMsPerJob: 300000,
            maxBarStepsPerJob: 200000000,
            maxTrialsPerJob: 5000,
            wallMsPerJob: 1800000,
          },
          premium: {
            cpuMsPerJob: 3600000,
            maxBarStepsPerJob: 4000000000,
            maxTrialsPerJob: 50000,
            wallMsPerJob: 14400000,
          },
          enterprise: {
            cpuMsPerJob: 36000000,
            maxBarStepsPerJob: 40000000000,
            maxTrialsPerJob: 500000,
            wallMsPerJob: 86400000,
          },
        },
      },
      tiers: {
        free: {
          concurrentJobs: 1,
          memoryMb: 64,
          cpuMs: 10000,
          maxBarsPerRun: 500000,
          maxResultBytes: 4194304,
          maxStoredCodeBytes: 8388608,
          maxVersionsPerStrategy: 100,
        },
        premium: {
          concurrentJobs: 3,
          memoryMb: 256,
          cpuMs: 60000,
          maxBarsPerRun: 5000000,
          maxResultBytes: 16777216,
          maxStoredCodeBytes: 268435456,
          maxVersionsPerStrategy: 1000,
        },
        enterprise: {
          concurrentJobs: 10,
          memoryMb: 1024,
          cpuMs: 600000,
          maxBarsPerRun: 50000000,
          maxResultBytes: 67108864,
          maxStoredCodeBytes: 4294967296,
          maxVersionsPerStrategy: 10000,
        },
      },
    });
    expect(notify).toEqual({
      enabled: true,
      dispatch: {
        pollIntervalMs: 250,
        batchSize: 500,
        concurrency: 128,
        perTargetConcurrency: 16,
        maxQueueWaitMs: 2000,
        leaseMs: 60000,
        retryScheduleSeconds: [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
        retryJitter: 0.2,
      },
      tiers: {
        free: {
          channels: ['in_app'],
          allowedChannels: ['in_app', 'email', 'push', 'webhook'],
          rateLimitPerHour: 30,
          smsDailyCap: 0,
          maxWebhookEndpoints: 3,
        },
        premium: {
          channels: ['in_app', 'email', 'push'],
          allowedChannels: ['in_app', 'email', 'webhook', 'sms', 'push'],
          rateLimitPerHour: 120,
          smsDailyCap: 5,
          maxWebhookEndpoints: 3,
        },
        enterprise: {
          channels: ['in_app', 'email', 'push', 'webhook'],
          allowedChannels: ['in_app', 'email', 'webhook', 'sms', 'push'],
          rateLimitPerHour: 600,
          smsDailyCap: 20,
          maxWebhookEndpoints: 20,
        },
      },
      webhooks: {
        allowPrivateTargets: false,
        timeoutMs: 15000,
        disableAfterMs: 432000000,
        responseExcerptBytes: 512,
        rotationOverlapMs: 86400000,
      },
      email: { port: 587, secure: false, from: 'Tickline <notify@localhost>' },
      sms: { baseUrl: 'https://api.twilio.com' },
      push: { subject: 'mailto:admin@localhost', ttlSeconds: 86400 },
    });
    expect(rest).toEqual({
      role: 'all',
      dataDir: './data',
      http: {
        host: '0.0.0.0',
        port: 8080,
        reusePort: false,
        bodyLimitBytes: 1048576,
        maxHeaderBytes: 16384,
        trustProxy: false,
        docs: true,
        timeouts: {
          headersMs: 10000,
          upgradeMs: 10000,
          tlsHandshakeMs: 10000,
          requestMs: 30000,
          idleMs: 120000,
        },
        connections: { perAddress: 512, reservedFds: 1024 },
        cors: { origins: [], credentials: false },
        tls: {},
        rateLimit: { enabled: true, anonymous: { requestsPerMinute: 60, burst: 20 } },
      },
      redis: { keyPrefix: 'tickline:', commandTimeoutMs: 250 },
      admin: {},
      log: { level: 'info', format: 'auto' },
      eventlog: {
        engine: 'embedded',
        gamePartitions: 1,
        embedded: {
          fsync: 'always',
          fsyncIntervalMs: 100,
          segmentBytes: 67108864,
          cacheBytes: 8 * 1024 ** 2,
          // A stated disk budget, not "keep everything": 1 GiB of sealed segments, a week at most.
          retention: { maxBytes: 1024 ** 3, maxAgeMs: 7 * 24 * 3_600_000 },
        },
        nats: { servers: ['nats://127.0.0.1:4222'], stream: 'TICKLINE', replicas: 1 },
      },
      publisher: { maxQueuedEvents: 100000, thread: 'main' },
      shutdown: { timeoutMs: 10000, drainMs: 0 },
      database: { poolSize: 10, migrateOnStart: false, readFreshWindowMs: 5000, readMaxLagMs: 5000 },
      // No schedule: backups only by hand until backup.schedule is set.
      backup: { keep: 7 },
      auth: {
        issuer: 'tickline',
        accessTokenTtlMs: 900000,
        refreshTokenTtlMs: 2592000000,
        refreshReuseGraceMs: 10000,
        streamTicketTtlMs: 60000,
        initialAdminEmail: 'admin@tickline.local',
        oidc: { providers: [] },
        tiers: { free: {}, premium: {}, enterprise: {} },
      },
      realtime: {
        keepAliveMs: 25000,
        pingIntervalMs: 25000,
        history: { maxEvents: 1000, maxAgeMs: 120000 },
        slowConsumer: { maxBufferedBytes: 1048576 },
        maxChannelsPerConnection: 64,
        maxConnections: 50000,
        interestGraceMs: 30000,
        maxConnectionAgeMs: 3600000,
      },
      // Introspection (and GraphiQL) off by default; a development config turns it on.
      graphql: {
        enabled: true,
        introspection: false,
        maxAliases: 30,
        maxBatch: 10,
        maxCost: 5000,
        maxDepth: 12,
        maxResponseBytes: 4194304,
        costPerRequest: 1000,
      },
      game: {
        enabled: true,
        zones: ['zone-1'],
        spawn: 'center',
        maxPlayersPerZone: 100,
        tickRateHz: 20,
        broadcastEveryTicks: 1,
        failoverAfterMs: 1500,
        handOffOnStop: false,
        // Games of the operator's files beside the built-in ones; rooms made on demand.
        games: [],
        rooms: { createsPerMinute: 10, emptyGraceMs: 30000, maxPerProcess: 1000 },
        maxSpeedPerTick: 0.5,
        viewRadius: 50,
        rateWindowTicks: 20,
        maxCommandsPerWindow: 15,
        map: { width: 1000, height: 1000, cellSize: 10 },
        tcp: { port: 0, host: '0.0.0.0' },
        ws: { enabled: true, path: '/game/ws' },
        joinTokenTtlMs: 30000,
        limits: {
          maxMessageBytes: 4096,
          maxMessagesPerSecond: 40,
          burstSeconds: 5,
          maxBufferedBytes: 1048576,
          maxConnections: 10000,
          maxConnectionsPerAddress: 32,
          handshakeTimeoutMs: 5000,
          heartbeatIntervalMs: 5000,
          idleTimeoutMs: 15000,
          resumeGraceMs: 30000,
        },
        snapshots: { hotIntervalMs: 1000, coldIntervalMs: 60000 },
      },
      market: {
        archive: { afterDays: 90, dir: '', enabled: false },
        enabled: true,
        symbols: ['BTC-USDT', 'ETH-USDT', 'SOL-USDT'],
        sources: [
          {
            kind: 'simulator',
            markets: [
              { symbol: 'BTC-USDT', startPrice: 60000 },
              { symbol: 'ETH-USDT', startPrice: 3000 },
              { symbol: 'SOL-USDT', startPrice: 150 },
            ],
          },
        ],
        validation: { maxFutureMs: 5000, maxPastMs: 86400000 },
        candles: {
          intervals: ['1s', '1m', '5m', '15m', '1h', '1d'],
          graceMs: 5000,
          updateIntervalMs: 250,
          liveIndicatorIntervals: ['1m', '5m', '15m', '1h', '1d'],
        },
        tickerIntervalMs: 250,
        jobs: {
          partitionMaintenance: '7 * * * *',
          pruneProcessedEvents: '37 * * * *',
          redeliveryWindowMs: 86400000,
          backfill: '17,47 * * * *',
        },
        retention: { tradesMs: 2592000000, candlesMs: 63072000000 },
      },
      platform: {
        consumerGroup: 'platform',
        movementRetentionDays: 30,
        movementHistory: 'every',
        movementSampleMs: 1000,
      },
    });
  });

  it('schema - market sources come from a JSON array in the environment and are checked', () => {
    const config = loadTicklineConfig({
      env: { TICKLINE_MARKET_SOURCES: '[{"type":"csv","files":["t.csv"],"speed":"max"}]' },
    });
    expect(config.market.sources).toEqual([{ kind: 'csv', files: ['t.csv'], speed: 'max' }]);
    expect(
      message(() => loadTicklineConfig({ env: { TICKLINE_MARKET_SOURCES: '[{"type":"ftp"}]' } })),
    ).toMatch(/^config error: market\.sources/);
  });

  it('schema - the brief example: a bad port names field, variable, value and range', () => {
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_HTTP_PORT: 'abc' } }))).toBe(
      'config error: http.port (TICKLINE_HTTP_PORT) = "abc": expected an integer 0–65535',
    );
  });

  it('schema - nested NATS settings come from the environment', () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_EVENTLOG_ENGINE: 'nats',
        TICKLINE_EVENTLOG_NATS_SERVERS: 'nats://a:4222,nats://b:4222',
        TICKLINE_EVENTLOG_NATS_REPLICAS: '3',
        TICKLINE_EVENTLOG_NATS_PASSWORD: 'pw',
      },
    });
    expect(config.eventlog.engine).toBe('nats');
    expect(config.eventlog.nats).toEqual({
      servers: ['nats://a:4222', 'nats://b:4222'],
      stream: 'TICKLINE',
      replicas: 3,
      password: 'pw',
    });
  });

  it('schema - TICKLINE_CONFIG names the file and is not itself a setting', () => {
    const file = join(dir, 'tickline.yaml');
    writeFileSync(file, 'http:\n  port: 9001\nshutdown:\n  timeoutMs: 500\n');
    const config = loadTicklineConfig({ env: { TICKLINE_CONFIG: file } });
    expect(config.http.port).toBe(9001);
    expect(config.shutdown.timeoutMs).toBe(500);
  });

  it('schema - --role overrides the role setting and is named when wrong', () => {
    expect(loadTicklineConfig({ env: { TICKLINE_ROLE: 'game' } }).role).toBe('game');
    expect(
      loadTicklineConfig({
        env: { TICKLINE_ROLE: 'game' },
        overrides: [{ key: 'role', value: 'platform', origin: '--role' }],
      }).role,
    ).toBe('platform');
    expect(
      message(() =>
        loadTicklineConfig({ env: {}, overrides: [{ key: 'role', value: 'chef', origin: '--role' }] }),
      ),
    ).toBe(
      'config error: role (--role) = "chef": expected one of all, gateway, collector, game, platform, strategy',
    );
  });

  it('schema - replicas, stream names and fsync policies are checked', () => {
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_EVENTLOG_NATS_REPLICAS: '7' } }))).toBe(
      'config error: eventlog.nats.replicas (TICKLINE_EVENTLOG_NATS_REPLICAS) = "7": expected an integer 1–5',
    );
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_EVENTLOG_NATS_STREAM: 'a.b' } }))).toBe(
      'config error: eventlog.nats.stream (TICKLINE_EVENTLOG_NATS_STREAM) = "a.b": expected a string matching ^[A-Za-z0-9_-]+$',
    );
    expect(
      message(() => loadTicklineConfig({ env: { TICKLINE_EVENTLOG_EMBEDDED_FSYNC: 'sometimes' } })),
    ).toBe(
      'config error: eventlog.embedded.fsync (TICKLINE_EVENTLOG_EMBEDDED_FSYNC) = "sometimes": expected one of always, interval, never',
    );
  });

  it('schema - HTTP hardening and Redis settings come from the environment', () => {
    const config = loadTicklineConfig({
      env: {
        TICKLINE_HTTP_CORS_ORIGINS: 'https://a.example,https://b.example',
        TICKLINE_HTTP_CORS_CREDENTIALS: 'true',
        TICKLINE_HTTP_TLS_CERT_FILE: '/etc/tickline/cert.pem',
        TICKLINE_HTTP_TLS_KEY_FILE: '/etc/tickline/key.pem',
        TICKLINE_HTTP_RATE_LIMIT_ANONYMOUS_REQUESTS_PER_MINUTE: '10',
        TICKLINE_HTTP_MAX_HEADER_BYTES: '8192',
        TICKLINE_REDIS_URL: 'redis://127.0.0.1:6379',
      },
    });
    expect(config.http.cors).toEqual({
      origins: ['https://a.example', 'https://b.example'],
      credentials: true,
    });
    expect(config.http.tls).toEqual({ certFile: '/etc/tickline/cert.pem', keyFile: '/etc/tickline/key.pem' });
    expect(config.http.rateLimit.anonymous).toEqual({ requestsPerMinute: 10, burst: 20 });
    expect(config.http.maxHeaderBytes).toBe(8192);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
  });

  it('schema - a TLS certificate without its key names both fields', () => {
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_HTTP_TLS_CERT_FILE: '/c.pem' } }))).toContain(
      'http.tls.certFile and http.tls.keyFile must be given together',
    );
  });

  it('schema - connection deadlines that contradict each other name their fields', () => {
    expect(
      message(() =>
        loadTicklineConfig({
          env: { TICKLINE_HTTP_TIMEOUTS_HEADERS_MS: '20000', TICKLINE_HTTP_TIMEOUTS_REQUEST_MS: '10000' },
        }),
      ),
    ).toContain('http.timeouts.requestMs must be at least http.timeouts.headersMs');
    expect(
      message(() =>
        loadTicklineConfig({
          env: { TICKLINE_HTTP_TIMEOUTS_IDLE_MS: '20000', TICKLINE_REALTIME_KEEP_ALIVE_MS: '25000' },
        }),
      ),
    ).toContain('http.timeouts.idleMs must be above realtime.keepAliveMs');
    const config = loadTicklineConfig({ env: { TICKLINE_HTTP_CONNECTIONS_PER_ADDRESS: '0' } });
    expect(config.http.connections.perAddress).toBe(0);
  });

  it('schema - a worker-thread publisher takes the NATS engine, not the embedded log', () => {
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_PUBLISHER_THREAD: 'worker' } }))).toContain(
      'publisher.thread worker needs eventlog.engine nats',
    );
    const config = loadTicklineConfig({
      env: { TICKLINE_PUBLISHER_THREAD: 'worker', TICKLINE_EVENTLOG_ENGINE: 'nats' },
    });
    expect(config.publisher.thread).toBe('worker');
  });

  it('schema - mail needs a base URL for its links: http.publicUrl, or notify.publicBaseUrl', () => {
    const smtp = { TICKLINE_NOTIFY_EMAIL_HOST: 'smtp.example.test' };
    expect(message(() => loadTicklineConfig({ env: smtp }))).toContain(
      'notify.email.host sends mail whose links need a base URL: set http.publicUrl (or notify.publicBaseUrl)',
    );
    for (const base of [
      { TICKLINE_HTTP_PUBLIC_URL: 'https://tickline.example.test' },
      { TICKLINE_NOTIFY_PUBLIC_BASE_URL: 'https://app.example.test' },
      { TICKLINE_NOTIFY_ENABLED: 'false' },
    ])
      expect(loadTicklineConfig({ env: { ...smtp, ...base } }).notify.email.host).toBe('smtp.example.test');
  });

  it('schema - a read replica needs the primary and a lag limit within the fresh window', () => {
    const replica = 'postgres://tickline:pw@replica:5432/tickline';
    expect(message(() => loadTicklineConfig({ env: { TICKLINE_DATABASE_READ_URL: replica } }))).toContain(
      'database.readUrl needs database.url',
    );
    const primary = { TICKLINE_DATABASE_URL: 'postgres://tickline:pw@primary:5432/tickline' };
    expect(
      message(() =>
        loadTicklineConfig({
          env: {
            ...primary,
            TICKLINE_DATABASE_READ_URL: replica,
            TICKLINE_DATABASE_READ_MAX_LAG_MS: '10000',
          },
        }),
      ),
    ).toContain('database.readMaxLagMs must not exceed database.readFreshWindowMs');
    const config = loadTicklineConfig({ env: { ...primary, TICKLINE_DATABASE_READ_URL: replica } });
    expect(config.database).toMatchObject({
      readUrl: replica,
      readFreshWindowMs: 5_000,
      readMaxLagMs: 5_000,
    });
  });

  it('schema - every setting has a description', () => {
    for (const field of listConfigFields(TicklineConfigSchema, 'TICKLINE'))
      expect(field.description, field.key).toBeTruthy();
  });
});
