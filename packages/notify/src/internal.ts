/** @module Everything in index.ts plus building blocks for tests, benchmarks and sibling packages. */
export * from './index.ts';
export { stableNotificationId } from './matching/notification-id.ts';
export { matchEvent } from './matching/match-event.ts';
export { webhookBody } from './channels/webhook/payload.ts';
export { signWebhook, webhookHeaders, generateWebhookSecret } from './channels/webhook/sign.ts';
export { checkWebhookUrl, isPrivateAddress } from './channels/webhook/ssrf-guard.ts';
export { quietUntil } from './rules/quiet-hours.ts';
export { planDeliveries } from './rules/plan-deliveries.ts';
export { twilioSignature, verifyTwilioSignature } from './channels/sms/twilio-signature.ts';
export { recordDeliveries } from './queue/record-sql.ts';
