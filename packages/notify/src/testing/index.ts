/**
 * @module Real receivers for tests of a running Tickline (dev only): an SMTP server that parses
 * every mail back, and a loopback stand-in for Twilio's Messages resource.
 */
export { startSmtpReceiver } from './smtp-receiver.ts';
export { startTwilioMock } from './twilio-mock.ts';
export type { SmtpReceiver, ReceivedMail } from './smtp-receiver.ts';
export type { TwilioMock, SentSms } from './twilio-mock.ts';
