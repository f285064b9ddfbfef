/**
 * @module Config section `notify`, with its own defaults: dispatch, per-tier defaults, and one
 * sub-section per channel. A channel whose credentials are missing is simply not configured
 * (rules may still name it; its deliveries fail with a reason).
 */
import { z } from 'zod';
import { Channel, CHANNELS } from './kinds.ts';

/** The config section key. */
export const NOTIFY_CONFIG_KEY = 'notify';

/** How often the dispatcher looks for due deliveries when nothing woke it. */
export const DEFAULT_DISPATCH_POLL_MS = 250;
/** Deliveries claimed per round. */
export const DEFAULT_DISPATCH_BATCH = 500;
/** Sends in flight at once, all channels together. */
export const DEFAULT_DISPATCH_CONCURRENCY = 128;
/** Attempts in flight to one target (endpoint, address, subscription) at most. */
export const DEFAULT_PER_TARGET_CONCURRENCY = 16;
/** A delivery waiting longer than this for a slot goes back to the SQL queue. */
export const DEFAULT_MAX_QUEUE_WAIT_MS = 2_000;
/** A claimed delivery is claimable again after this long (the process died mid-send). */
export const DEFAULT_LEASE_MS = 60_000;
/**
 * Webhook retry schedule in seconds after the first attempt: the Standard Webhooks example
 * schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h; ~75.6 h in all).
 */
export const DEFAULT_RETRY_SCHEDULE_S = [5, 300, 1_800, 7_200, 18_000, 36_000, 50_400, 72_000, 86_400];
/** ± share of each delay drawn at random, so failed receivers are not hit in lockstep. */
export const DEFAULT_RETRY_JITTER = 0.2;
/** Svix waits 15 s for a 2xx. */
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 15_000;
/** An endpoint failing without a single success for this long is disabled (Svix: 5 days). */
export const DEFAULT_DISABLE_AFTER_MS = 5 * 24 * 3_600_000;
export const MAX_WEBHOOK_URL_LENGTH = 2_048;
export const DEFAULT_RESPONSE_EXCERPT_BYTES = 512;

const tierDefaults = (
  channels: Channel[],
  allowed: Channel[],
  rateLimitPerHour: number,
  smsDailyCap: number,
) =>
  z
    .strictObject({
      channels: z
        .array(z.enum(CHANNELS))
        .default(channels)
        .describe(
          "Channels every kind goes to when the user has no rule for it; the user's enabled webhook endpoints get their kinds too.",
        ),
      allowedChannels: z
        .array(z.enum(CHANNELS))
        .default(allowed)
        .describe(
          'Channels users of this tier may use at all (rules, endpoints, phone); SMS also needs smsDailyCap > 0.',
        ),
      rateLimitPerHour: z
        .int()
        .min(1)
        .default(rateLimitPerHour)
        .describe(
          'Non-critical notifications per user per hour (a user may set less, never more); the overflow is held and sent as one digest.',
        ),
      smsDailyCap: z.int().min(0).default(smsDailyCap).describe('SMS per user per day (urgent kinds only).'),
      maxWebhookEndpoints: z
        .int()
        .min(0)
        .default(channels.includes(Channel.Webhook) ? 20 : 3)
        .describe('Webhook endpoints a user of this tier may register.'),
    })
    .prefault({});

export const NotifyConfigSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('Run the notify pipeline (matcher, queue, dispatcher).'),
  publicBaseUrl: z
    .url()
    .optional()
    .describe(
      'Public URL of the dashboard: links in emails and pushes, and the Twilio callback URL. Unset: http.publicUrl.',
    ),
  dispatch: z
    .strictObject({
      pollIntervalMs: z
        .int()
        .positive()
        .default(DEFAULT_DISPATCH_POLL_MS)
        .describe('How often an idle dispatcher looks for due deliveries (ms).'),
      batchSize: z
        .int()
        .positive()
        .default(DEFAULT_DISPATCH_BATCH)
        .describe('Deliveries one dispatcher loop claims at a time.'),
      concurrency: z
        .int()
        .positive()
        .default(DEFAULT_DISPATCH_CONCURRENCY)
        .describe(
          'Attempts in flight per process, all channels together; one user may hold a quarter of them.',
        ),
      perTargetConcurrency: z
        .int()
        .positive()
        .default(DEFAULT_PER_TARGET_CONCURRENCY)
        .describe('Attempts in flight to one webhook endpoint, address or push subscription at most.'),
      maxQueueWaitMs: z
        .int()
        .positive()
        .default(DEFAULT_MAX_QUEUE_WAIT_MS)
        .describe(
          'A delivery waiting longer than this for a free slot (its receiver is slow) goes back to the SQL queue (ms).',
        ),
      leaseMs: z
        .int()
        .positive()
        .default(DEFAULT_LEASE_MS)
        .describe('How long a claimed delivery stays leased before another process may send it again (ms).'),
      retryScheduleSeconds: z
        .array(z.number().min(0))
        .min(1)
        .default(DEFAULT_RETRY_SCHEDULE_S)
        .describe('Delays before attempt 2, 3, …; attempts = length + 1. Used by every channel.'),
      retryJitter: z
        .number()
        .min(0)
        .max(1)
        .default(DEFAULT_RETRY_JITTER)
        .describe('Random share added to or taken from each retry delay (0–1).'),
    })
    .prefault({}),
  tiers: z
    .strictObject({
      free: tierDefaults(
        [Channel.InApp],
        [Channel.InApp, Channel.Email, Channel.Push, Channel.Webhook],
        30,
        0,
      ),
      premium: tierDefaults([Channel.InApp, Channel.Email, Channel.Push], [...CHANNELS], 120, 5),
      enterprise: tierDefaults(
        [Channel.InApp, Channel.Email, Channel.Push, Channel.Webhook],
        [...CHANNELS],
        600,
        20,
      ),
    })
    .prefault({}),
  webhooks: z
    .strictObject({
      allowPrivateTargets: z
        .boolean()
        .default(false)
        .describe('Allow webhook URLs on private, loopback and link-local addresses (tests, labs).'),
      timeoutMs: z
        .int()
        .positive()
        .default(DEFAULT_WEBHOOK_TIMEOUT_MS)
        .describe('A webhook attempt fails without a 2xx answer within this time (ms).'),
      disableAfterMs: z
        .int()
        .positive()
        .default(DEFAULT_DISABLE_AFTER_MS)
        .describe('An endpoint failing this long without a success is disabled and its owner told (ms).'),
      responseExcerptBytes: z
        .int()
        .min(0)
        .default(DEFAULT_RESPONSE_EXCERPT_BYTES)
        .describe('Bytes of each response kept in the attempt log.'),
      rotationOverlapMs: z
        .int()
        .min(0)
        .default(24 * 3_600_000)
        .describe('How long the previous secret keeps signing after a rotation.'),
    })
    .prefault({}),
  email: z
    .strictObject({
      host: z.string().optional().describe('SMTP host; unset = no email channel.'),
      port: z.int().min(1).max(65_535).default(587).describe('SMTP server port.'),
      secure: z
        .boolean()
        .default(false)
        .describe('TLS from the start (port 465); else STARTTLS when offered.'),
      user: z.string().optional().describe('SMTP user name (with the password).'),
      password: z.string().optional().describe('SMTP password (secret).'),
      from: z
        .string()
        .default('Tickline <notify@localhost>')
        .describe('The From header of notification emails.'),
      templatesDir: z
        .string()
        .optional()
        .describe('Folder with <kind>.<locale>.{subject,html,text}.liquid overrides.'),
    })
    .prefault({}),
  sms: z
    .strictObject({
      baseUrl: z.url().default('https://api.twilio.com').describe("Twilio's REST API base URL."),
      accountSid: z.string().optional().describe('Twilio account SID; unset = no SMS channel.'),
      authToken: z.string().optional().describe('Twilio auth token (secret).'),
      from: z.string().optional().describe('Sending number (E.164).'),
    })
    .prefault({}),
  push: z
    .strictObject({
      vapidPublicKey: z.string().optional().describe('VAPID public key (base64url); unset = no Web Push.'),
      vapidPrivateKey: z.string().optional().describe('VAPID private key (secret).'),
      subject: z.string().default('mailto:admin@localhost').describe('VAPID sub: mailto: or https: contact.'),
      ttlSeconds: z
        .int()
        .min(0)
        .default(86_400)
        .describe('How long a push service keeps an undelivered message (TTL, seconds).'),
    })
    .prefault({}),
});

export type NotifyConfig = z.infer<typeof NotifyConfigSchema>;
export type NotifyConfigInput = z.input<typeof NotifyConfigSchema>;

/** The `notify:` config section as the composition root reads it. */
export const notifyConfig = { key: NOTIFY_CONFIG_KEY, schema: NotifyConfigSchema.prefault({}) } as const;
