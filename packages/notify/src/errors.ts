/** @module Errors raised by notify: `NOTIFY_*`, one code per failure callers branch on. */
import { defineErrorCodes, errorGuard, TicklineError, type TicklineErrorOptions } from '@tickline/kernel';

export const NotifyErrorCodes = defineErrorCodes({
  NOTIFY_INVALID_INPUT: {
    meaning: 'The input failed validation; details.issues (or details.field) says which field and why.',
    resolve: 'Fix the named fields; nothing was changed.',
    httpStatus: 400,
  },
  NOTIFY_UNKNOWN_KIND: {
    meaning: 'A rule names a notification kind that does not exist; details.kind names it.',
    resolve: 'Use a kind from GET /api/v1/notification-rules (field kinds).',
    httpStatus: 400,
  },
  NOTIFY_INVALID_QUIET_HOURS: {
    meaning: 'Quiet hours are not two HH:MM times, or the time zone is not an IANA zone.',
    resolve: 'Send quietHours as { start: "22:00", end: "07:00" } and a zone like Europe/Berlin.',
    httpStatus: 400,
  },
  NOTIFY_URL_REJECTED: {
    meaning:
      'The webhook URL is not allowed: not http(s), too long, has credentials, or resolves to a private, loopback or link-local address; details.reason says which.',
    resolve: 'Use a public https URL; private targets need notify.webhooks.allowPrivateTargets.',
    httpStatus: 400,
  },
  NOTIFY_ENDPOINT_NOT_FOUND: {
    meaning: 'No webhook endpoint with that id belongs to the caller.',
    resolve: 'List the endpoints with GET /api/v1/webhooks.',
    httpStatus: 404,
  },
  NOTIFY_NOTIFICATION_NOT_FOUND: {
    meaning: 'No notification with that id belongs to the caller.',
    resolve: 'List the inbox with GET /api/v1/notifications.',
    httpStatus: 404,
  },
  NOTIFY_SUBSCRIPTION_NOT_FOUND: {
    meaning: 'No push subscription with that id belongs to the caller.',
    resolve: 'List them with GET /api/v1/push-subscriptions.',
    httpStatus: 404,
  },
  NOTIFY_PHONE_NOT_VERIFIED: {
    meaning: 'There is no phone verification pending for the caller, or the code is wrong or expired.',
    resolve: 'Request a new code with POST /api/v1/notification-phone and enter it within 10 minutes.',
    httpStatus: 400,
  },
  NOTIFY_CHANNEL_NOT_ENTITLED: {
    meaning:
      "The caller's tier does not include this channel (details.channel, details.tier); SMS also needs a tier with an SMS allowance.",
    resolve: 'Use a channel your tier includes (GET /api/v1/notification-rules lists them), or change tier.',
    httpStatus: 403,
  },
  NOTIFY_VERIFICATION_THROTTLED: {
    meaning:
      'Too many verification codes: details.limit says which (per_user_per_day, per_address_per_day, too_soon, sms_daily_cap). Nothing was sent.',
    resolve: 'Wait (a minute between codes, or until the next UTC day) and use the code already sent.',
    httpStatus: 429,
  },
  NOTIFY_EMAIL_NOT_VERIFIED: {
    meaning: 'There is no email verification pending for the caller, or the code is wrong or expired.',
    resolve:
      'Set the address again (PATCH /api/v1/notification-rules) and enter the new code within 10 minutes.',
    httpStatus: 400,
  },
  NOTIFY_LIMIT_REACHED: {
    meaning: 'The caller has as many endpoints or subscriptions as allowed; details.limit names it.',
    resolve: 'Delete unused ones first.',
    httpStatus: 409,
  },
  NOTIFY_CHANNEL_NOT_CONFIGURED: {
    meaning: 'The channel (email, SMS or push) is not configured on this server.',
    resolve: 'Configure the notify.email / notify.sms / notify.push section.',
    httpStatus: 409,
  },
  NOTIFY_LOG_UNAVAILABLE: {
    meaning: 'The event log did not acknowledge published notifications in time; the batch is retried.',
    resolve: 'Check the event log health; nothing is lost, the matcher retries the batch.',
    httpStatus: 503,
  },
  NOTIFY_DELIVERY_NOT_FOUND: {
    meaning: 'No finished (delivered or failed) delivery has that id; a queued one cannot be replayed.',
    resolve: 'List deliveries with GET /api/v1/admin/notify/deliveries; wait for a queued one to finish.',
    httpStatus: 404,
  },
  NOTIFY_SIGNATURE_INVALID: {
    meaning: 'A provider callback (Twilio status callback) carries no valid signature.',
    resolve: 'Check notify.sms.authToken and the public callback URL.',
    httpStatus: 403,
  },
});

export type NotifyErrorCode = keyof typeof NotifyErrorCodes;

/** Any notify failure; `code` says which. */
export class NotifyError extends TicklineError {
  override name = 'NotifyError';
  constructor(code: NotifyErrorCode, message: string, options?: TicklineErrorOptions) {
    super(code, message, options);
  }
}

export const isNotifyInvalidInputError = errorGuard('NOTIFY_INVALID_INPUT');
export const isUrlRejectedError = errorGuard('NOTIFY_URL_REJECTED');
export const isEndpointNotFoundError = errorGuard('NOTIFY_ENDPOINT_NOT_FOUND');
export const isChannelNotEntitledError = errorGuard('NOTIFY_CHANNEL_NOT_ENTITLED');
export const isVerificationThrottledError = errorGuard('NOTIFY_VERIFICATION_THROTTLED');
