/**
 * @module Schemas of identity's routes (mounted under /api/v1), built from the zod schemas
 * identity exports: they validate each request before the service sees it and describe the
 * routes in the OpenAPI document. Response schemas document only (responses are not re-checked).
 */
import {
  ApiKeyIdParamsSchema,
  ApiKeyInfoSchema,
  ChangePasswordInputSchema,
  CompleteMfaInputSchema,
  CreateApiKeyInputSchema,
  CreatedApiKeySchema,
  ListUsersQuerySchema,
  OidcProviderParamsSchema,
  OidcStartQuerySchema,
  PublicUserSchema,
  RecoveryCodesSchema,
  RefreshInputSchema,
  SignedInSchema,
  SignInInputSchema,
  SignInResultSchema,
  SignUpInputSchema,
  TokenPairSchema,
  TotpCodeInputSchema,
  TotpEnrolmentSchema,
  UpdateUserInputSchema,
  UserIdParamsSchema,
} from '@tickline/identity';
import { z } from 'zod';
import type { RouteSchema, RouteSchemaTable } from './route-schemas.ts';

const P = '/api/v1';
const CREDENTIALS: Array<Record<string, string[]>> = [{ bearer: [] }, { apiKey: [] }];
const NoContent = z.null().describe('No content');

const auth = (summary: string, schema: Omit<RouteSchema, 'summary' | 'tags'> = {}): RouteSchema => ({
  summary,
  tags: ['auth'],
  ...schema,
});
const signedIn =
  (tags: string[]) =>
  (summary: string, schema: Omit<RouteSchema, 'summary'> = {}): RouteSchema => ({
    summary,
    tags,
    security: CREDENTIALS,
    ...schema,
  });
const account = signedIn(['account']);
const apiKeys = signedIn(['api-keys']);
const admin = signedIn(['admin']);

export const identityRouteSchemas: RouteSchemaTable = {
  [`POST ${P}/auth/sign-up`]: auth('Create an account with email and password, and sign in', {
    body: SignUpInputSchema,
    response: { 201: SignedInSchema },
  }),
  [`POST ${P}/auth/sign-in`]: auth('Sign in; answers tokens, or an MFA step when TOTP is on', {
    body: SignInInputSchema,
    response: { 200: SignInResultSchema },
  }),
  [`POST ${P}/auth/mfa`]: auth('Complete a sign-in with a TOTP or recovery code', {
    body: CompleteMfaInputSchema,
    response: { 200: SignedInSchema },
  }),
  [`POST ${P}/auth/refresh`]: auth('Trade a refresh token for a new pair (the old one is spent)', {
    body: RefreshInputSchema,
    response: { 200: TokenPairSchema },
  }),
  [`POST ${P}/auth/sign-out`]: auth('End the session of a refresh token', {
    body: RefreshInputSchema,
    response: { 204: NoContent },
  }),
  [`POST ${P}/auth/sign-out-everywhere`]: account('End every session of the caller', {
    response: { 200: z.object({ revokedSessions: z.int() }) },
  }),
  [`GET ${P}/me`]: account('The caller', { response: { 200: PublicUserSchema } }),
  [`POST ${P}/me/password`]: account('Change the password (other sessions end)', {
    body: ChangePasswordInputSchema,
    response: { 200: TokenPairSchema },
  }),
  [`POST ${P}/me/totp`]: account('Start TOTP enrolment: secret, otpauth URI and QR code', {
    response: { 200: TotpEnrolmentSchema },
  }),
  [`POST ${P}/me/totp/activate`]: account('Confirm TOTP with a first code; answers recovery codes', {
    body: TotpCodeInputSchema,
    response: { 200: RecoveryCodesSchema },
  }),
  [`POST ${P}/me/totp/disable`]: account('Turn TOTP off', {
    body: TotpCodeInputSchema,
    response: { 204: NoContent },
  }),
  [`POST ${P}/me/totp/recovery-codes`]: account('Replace the recovery codes', {
    body: TotpCodeInputSchema,
    response: { 200: RecoveryCodesSchema },
  }),
  [`GET ${P}/api-keys`]: apiKeys("The caller's API keys (never the keys themselves)", {
    response: { 200: z.object({ apiKeys: z.array(ApiKeyInfoSchema) }) },
  }),
  [`POST ${P}/api-keys`]: apiKeys('Create an API key; the key is shown once', {
    body: CreateApiKeyInputSchema,
    response: { 201: CreatedApiKeySchema },
  }),
  [`DELETE ${P}/api-keys/:id`]: apiKeys('Revoke an API key', {
    params: ApiKeyIdParamsSchema,
    response: { 204: NoContent },
  }),
  [`GET ${P}/admin/users`]: admin('List users (admins)', {
    querystring: ListUsersQuerySchema,
    response: { 200: z.object({ users: z.array(PublicUserSchema), nextAfter: z.uuid().nullable() }) },
  }),
  [`PATCH ${P}/admin/users/:id`]: admin("Change a user's role, tier or status (admins)", {
    params: UserIdParamsSchema,
    body: UpdateUserInputSchema,
    response: { 200: PublicUserSchema },
  }),
  [`GET ${P}/auth/oidc/providers`]: auth('Configured OpenID Connect providers', {
    response: { 200: z.object({ providers: z.array(z.object({ id: z.string(), name: z.string() })) }) },
  }),
  [`GET ${P}/auth/oidc/:provider/start`]: auth(
    'Start OIDC sign-in: redirects to the provider, or answers JSON with format=json',
    {
      params: OidcProviderParamsSchema,
      querystring: OidcStartQuerySchema.extend({ format: z.enum(['json']).optional() }),
      response: {
        200: z.object({ authorizationUrl: z.url(), state: z.string(), expiresAt: z.iso.datetime() }),
        302: z.null().describe('Redirect to the provider'),
      },
    },
  ),
  [`GET ${P}/auth/oidc/:provider/callback`]: auth("The provider's redirect back; completes sign-in", {
    params: OidcProviderParamsSchema,
    // Whatever the provider sends (code, state, iss, error…) is checked by the OIDC client.
    querystring: z.looseObject({ code: z.string().optional(), state: z.string().optional() }),
    response: { 200: SignInResultSchema.and(z.object({ returnTo: z.string().nullable() })) },
  }),
};
