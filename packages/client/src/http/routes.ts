/**
 * @module The server paths the SDK calls, in one table. Override single entries with the client's
 * `paths` option when a deployment mounts the API elsewhere.
 */

export const DEFAULT_PATHS = {
  /** Creates the account and signs it in (publishes `account.created`). */
  signUp: '/api/v1/accounts',
  signIn: '/api/v1/auth/sign-in',
  completeMfa: '/api/v1/auth/mfa',
  refresh: '/api/v1/auth/refresh',
  signOut: '/api/v1/auth/sign-out',
  signOutEverywhere: '/api/v1/auth/sign-out-everywhere',
  /** Configured sign-in providers (`/providers`), `/{id}/start` and `/{id}/callback`. */
  oidc: '/api/v1/auth/oidc',
  /** Spends an email verification link's token (no session needed). */
  verifyEmail: '/api/v1/auth/verify-email',
  me: '/api/v1/me',
  /** Sends the caller a new email verification link. */
  emailVerification: '/api/v1/me/email/verification',
  changePassword: '/api/v1/me/password',
  totpEnrol: '/api/v1/me/totp',
  totpActivate: '/api/v1/me/totp/activate',
  totpDisable: '/api/v1/me/totp/disable',
  totpRecoveryCodes: '/api/v1/me/totp/recovery-codes',
  apiKeys: '/api/v1/api-keys',
  /** Mints a short-lived stream ticket for the SSE URL and the WebSocket upgrade. */
  streamTickets: '/api/v1/stream/tickets',
  stream: '/api/v1/stream',
  /** Strategies and their versions (`/{id}/versions/{n}`), `/compile`, `/api-types`. */
  strategies: '/api/v1/strategies',
  /** Backtests: queue, list, `/{id}`, `/{id}/trades`, `/{id}/equity`, `/{id}/cancel`. */
  backtests: '/api/v1/backtests',
  /** Paper portfolios: `/{id}` (positions), `/{id}/equity`, `/{id}/orders`, `/{id}/kill-switch`,
   * `/{id}/kill-switch/release`, `/{id}/risk`, `/{id}/risk-limits`. */
  portfolios: '/api/v1/portfolios',
  /** The kill switch over an account, a venue or (admins) every portfolio. */
  killSwitch: '/api/v1/kill-switch',
  /** Kill switch halts: `/{haltId}`, their proofs. */
  halts: '/api/v1/halts',
  /** Live strategy runs: enable, list, `/{id}`, `/{id}/signals`, `/{id}/logs`, pause, resume, stop. */
  liveStrategies: '/api/v1/live-strategies',
  ws: '/api/v1/ws',
  /** The inbox: `/unread-count`, `/{id}/read`, `/read-all`. */
  notifications: '/api/v1/notifications',
  /** Rules per kind (`/{kind}`) and, with PATCH, the settings. */
  notificationRules: '/api/v1/notification-rules',
  notificationEmailConfirm: '/api/v1/notification-email/confirm',
  /** Webhook endpoints: `/{id}`, `/rotate-secret`, `/test`, `/attempts`, `/resend`. */
  webhooks: '/api/v1/webhooks',
  /** Web Push subscriptions per device, and `/vapid-public-key`. */
  pushSubscriptions: '/api/v1/push-subscriptions',
  notificationPhone: '/api/v1/notification-phone',
  /** GraphQL queries and mutations (POST); subscriptions over graphql-ws at the same path. */
  graphql: '/api/v1/graphql',
} as const;

export type ClientPaths = { -readonly [K in keyof typeof DEFAULT_PATHS]: string };
