import { describe, expect, it } from 'vitest';
import { AccountSecurityChanged } from '../events.ts';
import { createTestIdentity, GOOD_PASSWORD } from '../testing/identity-test-kit.ts';

describe('security changes', () => {
  it('security - a password change and a new API key are announced to their user; a failed change is not', async () => {
    const kit = createTestIdentity();
    const user = await kit.signUpUser('sec@example.com');
    const changes = () =>
      kit.events
        .filter((e) => e.type === AccountSecurityChanged.type)
        .map((e) => e.data as Record<string, unknown>);
    await expect(
      kit.service.changePassword(user.principal, { currentPassword: 'wrong password!!', newPassword: 'x' }),
    ).rejects.toBeDefined();
    expect(changes()).toEqual([]);
    await kit.service.changePassword(user.principal, {
      currentPassword: GOOD_PASSWORD,
      newPassword: 'another-long-password-42',
    });
    const { apiKey } = await kit.service.createApiKey(user.principal, {
      name: 'bot',
      scopes: ['market:read'],
    });
    expect(changes()).toEqual([
      { userId: user.principal.userId, change: 'password_changed' },
      { userId: user.principal.userId, change: 'api_key_created', keyId: apiKey.id },
    ]);
    for (const data of changes()) expect(AccountSecurityChanged.schema.safeParse(data).success).toBe(true);
  });
});
