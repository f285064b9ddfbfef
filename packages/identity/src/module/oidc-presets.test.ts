import { describe, expect, it } from 'vitest';
import { AuthSchema } from '../config.ts';
import { GITHUB_ISSUER } from '../oidc/github-client.ts';
import { GOOGLE_ISSUER, oidcProvidersFrom } from './identity-host.ts';

describe('oidc presets', () => {
  it('presets - none configured, no providers (no buttons)', () => {
    expect(oidcProvidersFrom(AuthSchema.parse({}).oidc)).toEqual([]);
  });

  it('presets - Google is OIDC by discovery; GitHub is its OAuth 2.0 flow', () => {
    const auth = AuthSchema.parse({
      oidc: {
        google: { clientId: 'g', clientSecret: 'gs', redirectUri: 'https://t.example/auth/callback/google' },
        github: { clientId: 'h', clientSecret: 'hs', redirectUri: 'https://t.example/auth/callback/github' },
      },
    });
    expect(oidcProvidersFrom(auth.oidc)).toEqual([
      expect.objectContaining({ id: 'google', name: 'Google', issuer: GOOGLE_ISSUER, clientId: 'g' }),
      expect.objectContaining({
        id: 'github',
        name: 'GitHub',
        kind: 'github',
        issuer: GITHUB_ISSUER,
        clientSecret: 'hs',
      }),
    ]);
  });

  it('presets - a preset without its secret is refused at start', () => {
    expect(
      AuthSchema.safeParse({ oidc: { github: { clientId: 'h', redirectUri: 'https://t.example/x' } } })
        .success,
    ).toBe(false);
  });
});
