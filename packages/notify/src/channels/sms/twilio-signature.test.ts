import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature.ts';

describe('twilio signature', () => {
  const url = 'https://tickline.example/api/v1/notification-phone/sms-status';
  const params = { MessageStatus: 'delivered', MessageSid: 'SM1', AccountSid: 'AC1' };

  it('twilio - HMAC-SHA1 over the URL and the sorted name+value pairs, base64', () => {
    const expected = createHmac('sha1', 'token')
      .update(`${url}AccountSidAC1MessageSidSM1MessageStatusdelivered`)
      .digest('base64');
    expect(twilioSignature('token', url, params)).toBe(expected);
  });

  it('twilio - verification fails for another token, URL, changed parameter or none', () => {
    const signature = twilioSignature('token', url, params);
    expect(verifyTwilioSignature('token', url, params, signature)).toBe(true);
    expect(verifyTwilioSignature('other', url, params, signature)).toBe(false);
    expect(verifyTwilioSignature('token', `${url}?x=1`, params, signature)).toBe(false);
    expect(verifyTwilioSignature('token', url, { ...params, MessageStatus: 'failed' }, signature)).toBe(
      false,
    );
    expect(verifyTwilioSignature('token', url, params, undefined)).toBe(false);
  });
});
