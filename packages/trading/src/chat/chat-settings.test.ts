import { isSecretKey } from '@tickline/kernel';
import { describe, expect, it } from 'vitest';
import { TelegramSettingsSchema } from './chat-settings.ts';

const URL = 'https://tickline.example/api/v1/chat/telegram/webhook';
const SECRET = 'webhook_secret-0123456789abcdef';

describe('chat settings - Telegram webhook mode', () => {
  it('poll mode is the default and needs no webhook settings', () => {
    expect(TelegramSettingsSchema.parse({}).mode).toBe('poll');
  });

  it('webhook mode needs the address and the secret', () => {
    const issues = TelegramSettingsSchema.safeParse({ mode: 'webhook' }).error?.issues ?? [];
    expect(issues.map((i) => i.path.join('.')).sort()).toEqual(['webhookSecret', 'webhookUrl']);
    expect(
      TelegramSettingsSchema.parse({ mode: 'webhook', webhookUrl: URL, webhookSecret: SECRET }),
    ).toMatchObject({
      mode: 'webhook',
      webhookUrl: URL,
      webhookSecret: SECRET,
    });
  });

  it('refuses an http address and a secret Telegram would refuse; the secret is redacted', () => {
    const bad = TelegramSettingsSchema.safeParse({
      mode: 'webhook',
      webhookUrl: 'http://tickline.example/hook',
      webhookSecret: 'short',
    });
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['webhookSecret', 'webhookUrl']);
    expect(TelegramSettingsSchema.safeParse({ webhookSecret: 'a b c d e f g h i j k' }).success).toBe(false);
    expect(isSecretKey('webhookSecret')).toBe(true);
  });
});
