/** @module Routes: sign-up, sign-in, MFA, refresh, sign-out, the caller's account and its 2FA. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  ChangePasswordInputSchema,
  CompleteMfaInputSchema,
  RefreshInputSchema,
  SignInInputSchema,
  SignUpInputSchema,
  TotpCodeInputSchema,
  VerifyEmailInputSchema,
} from '../schemas/auth-schemas.ts';
import {
  ApiKeyScope,
  PublicUserSchema,
  RecoveryCodesSchema,
  SignedInSchema,
  SignInResultSchema,
  TokenPairSchema,
  RouteAccess,
  TotpEnrolmentSchema,
  EmailVerificationDeliverySchema,
} from '@tickline/protocol';
import type { IdentityService } from '../service/identity-service.ts';
import { principalOf, requireAuthentication } from './authenticate.ts';
import { CREDENTIALS, NoContent } from './route-docs.ts';
import { deviceCookie, requestOrigin } from './request-origin.ts';

const AUTH = ['auth'];
const ACCOUNT = ['account'];

/**
 * `mailsLinks`: verification links go out by mail here (else an admin hands them over).
 * `secureCookies`: the device cookie is `Secure` (see IdentityRoutesOptions.secureCookies).
 */
export function authRoutes(
  service: IdentityService,
  mailsLinks: boolean,
  secureCookies = false,
): FastifyPluginAsyncZod {
  return async function auth(app) {
    const preHandler = requireAuthentication(service);
    const account = (summary: string) => ({ summary, tags: ACCOUNT, security: CREDENTIALS });

    app.post(
      '/auth/sign-up',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'Create an account with email and password, and sign in',
          tags: AUTH,
          body: SignUpInputSchema,
          response: { 201: SignedInSchema },
        },
      },
      async (request, reply) => {
        reply.status(201);
        return service.signUp(request.body, requestOrigin(request));
      },
    );
    app.post(
      '/auth/sign-in',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'Sign in; answers tokens, or an MFA step when TOTP is on',
          tags: AUTH,
          body: SignInInputSchema,
          response: { 200: SignInResultSchema },
        },
      },
      async (request, reply) => {
        const { deviceToken, ...result } = await service.signIn(request.body, requestOrigin(request));
        if (deviceToken) void reply.header('set-cookie', deviceCookie(request, deviceToken, secureCookies));
        return result;
      },
    );
    app.post(
      '/auth/mfa',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'Complete a sign-in with a TOTP or recovery code',
          tags: AUTH,
          body: CompleteMfaInputSchema,
          response: { 200: SignedInSchema },
        },
      },
      async (request, reply) => {
        const { deviceToken, ...result } = await service.completeMfa(request.body, requestOrigin(request));
        if (deviceToken) void reply.header('set-cookie', deviceCookie(request, deviceToken, secureCookies));
        return result;
      },
    );
    app.post(
      '/auth/refresh',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'Trade a refresh token for a new pair (the old one is spent)',
          tags: AUTH,
          body: RefreshInputSchema,
          response: { 200: TokenPairSchema },
        },
      },
      async (request) => service.refresh(request.body),
    );
    app.post(
      '/auth/sign-out',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'End the session of a refresh token',
          tags: AUTH,
          body: RefreshInputSchema,
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await service.signOut(request.body);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/auth/sign-out-everywhere',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...account('End every session of the caller'),
          response: { 200: z.object({ revokedSessions: z.int() }) },
        },
      },
      async (request) => ({ revokedSessions: await service.signOutEverywhere(principalOf(request)) }),
    );

    app.post(
      '/auth/verify-email',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'Verify the email with the token of its verification link (single use)',
          tags: AUTH,
          body: VerifyEmailInputSchema,
          response: { 200: PublicUserSchema },
        },
      },
      async (request) => service.verifyEmail(request.body),
    );
    app.get(
      '/auth/email-verification',
      {
        config: { scope: RouteAccess.Public },
        schema: {
          summary: 'How verification links reach people: by mail, or from an admin (no mail here)',
          tags: AUTH,
          response: { 200: EmailVerificationDeliverySchema },
        },
      },
      async () => ({ delivery: mailsLinks ? ('mail' as const) : ('admin' as const) }),
    );
    app.post(
      '/me/email/verification',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...account('Send a new email verification link'),
          description:
            'Nothing is sent when the email is verified already. Links sent again are rationed per user (a minute apart, 5 a UTC day by default): past that, 429 IDENTITY_VERIFICATION_THROTTLED with details.limit and Retry-After, and nothing is sent.',
          response: { 204: NoContent },
        },
      },
      async (request, reply) => {
        await service.resendEmailVerification(principalOf(request));
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/me',
      {
        config: { scope: RouteAccess.Authenticated },
        preHandler,
        schema: { ...account('The caller'), response: { 200: PublicUserSchema } },
      },
      async (request) => service.getUser(principalOf(request)),
    );
    app.post(
      '/me/password',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...account('Change the password (other sessions end)'),
          body: ChangePasswordInputSchema,
          response: { 200: TokenPairSchema },
        },
      },
      async (request) => service.changePassword(principalOf(request), request.body, requestOrigin(request)),
    );
    app.post(
      '/me/totp',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...account('Start TOTP enrolment: secret, otpauth URI and QR code'),
          response: { 200: TotpEnrolmentSchema },
        },
      },
      async (request) => service.enrolTotp(principalOf(request)),
    );
    app.post(
      '/me/totp/activate',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...account('Confirm TOTP with a first code; answers recovery codes'),
          body: TotpCodeInputSchema,
          response: { 200: RecoveryCodesSchema },
        },
      },
      async (request) => service.activateTotp(principalOf(request), request.body),
    );
    app.post(
      '/me/totp/disable',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: { ...account('Turn TOTP off'), body: TotpCodeInputSchema, response: { 204: NoContent } },
      },
      async (request, reply) => {
        await service.disableTotp(principalOf(request), request.body);
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/me/totp/recovery-codes',
      {
        config: { scope: ApiKeyScope.AccountManage },
        preHandler,
        schema: {
          ...account('Replace the recovery codes'),
          body: TotpCodeInputSchema,
          response: { 200: RecoveryCodesSchema },
        },
      },
      async (request) => service.regenerateRecoveryCodes(principalOf(request), request.body),
    );
  };
}
