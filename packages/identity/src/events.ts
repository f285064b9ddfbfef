/** @module Events identity publishes. */
import { defineEvent } from '@tickline/kernel';
import { EventType } from '@tickline/protocol';
import { z } from 'zod';
import { ROLES, TIERS } from './users/user.ts';

/** How an account came to be. */
export const SignUpMethod = { Password: 'password', Oidc: 'oidc', Admin: 'admin' } as const;
export type SignUpMethod = (typeof SignUpMethod)[keyof typeof SignUpMethod];

export const AccountCreatedDataSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  role: z.enum(ROLES),
  tier: z.enum(TIERS),
  method: z.enum([SignUpMethod.Password, SignUpMethod.Oidc, SignUpMethod.Admin]),
  /** Issuer of the OIDC provider when `method` is `oidc`. */
  issuer: z.string().optional(),
  /**
   * The address is proven already: an OIDC provider vouched for it, or the operator configured it
   * (the first-run admin). Absent in events from before it was added: read as false.
   */
  emailVerified: z.boolean().optional(),
});
export type AccountCreatedData = z.infer<typeof AccountCreatedDataSchema>;

/** A user account was created (subject and partition key: the user id). */
export const AccountCreated = defineEvent<AccountCreatedData>({
  type: EventType.AccountCreated,
  description: 'A user account was created (sign-up, OIDC first sign-in, or by an admin).',
  schema: AccountCreatedDataSchema,
});

export const EmailVerificationRequestedDataSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  /**
   * A reference to the link, never its token: the notifications service asks identity for the
   * link when it sends the mail, so the durable log holds nothing that verifies an address.
   */
  verificationId: z.uuid(),
  expiresAt: z.iso.datetime(),
});

/**
 * A verification link was issued for the user's email; the mail goes to that address only. The
 * event carries a reference to the link, not the link (whose token proves the mailbox).
 */
export const EmailVerificationRequested = defineEvent<z.infer<typeof EmailVerificationRequestedDataSchema>>({
  type: EventType.AccountEmailVerificationRequested,
  description: 'A verification link was issued for a password sign-up (notify emails it).',
  schema: EmailVerificationRequestedDataSchema,
});

export const AccountEmailVerifiedDataSchema = z.object({
  userId: z.uuid(),
  /** The address the link proved (the account's). */
  email: z.string(),
});

/** The account's address was proven by its verification link (subject: the user id). */
export const AccountEmailVerified = defineEvent<z.infer<typeof AccountEmailVerifiedDataSchema>>({
  type: EventType.AccountEmailVerified,
  description: "The account's email was verified by its link (notify mails the account's address only then).",
  schema: AccountEmailVerifiedDataSchema,
});

export const AccountTierChangedDataSchema = z.object({
  userId: z.uuid(),
  tier: z.enum(TIERS),
  previousTier: z.enum(TIERS),
});

/**
 * An admin changed the account's tier (subject: the user id). Tokens issued before it are stopped
 * (the session version moves); consumers that keep a copy of the tier (notify) update it.
 */
export const AccountTierChanged = defineEvent<z.infer<typeof AccountTierChangedDataSchema>>({
  type: EventType.AccountTierChanged,
  description: "An admin changed the account's tier (notify's entitlements and defaults follow it).",
  schema: AccountTierChangedDataSchema,
});

/** What changed, in `account.security.changed`. */
export const SecurityChange = {
  PasswordChanged: 'password_changed',
  TwoFactorEnabled: 'two_factor_enabled',
  TwoFactorDisabled: 'two_factor_disabled',
  ApiKeyCreated: 'api_key_created',
  /** A sign-in from a device and address the account had not used before. */
  NewSignIn: 'new_sign_in',
} as const;
export type SecurityChange = (typeof SecurityChange)[keyof typeof SecurityChange];

export const AccountSecurityChangedDataSchema = z.object({
  userId: z.uuid(),
  change: z.enum(Object.values(SecurityChange) as [SecurityChange, ...SecurityChange[]]),
  /** The key created, for `api_key_created`. */
  keyId: z.string().optional(),
  /** For `new_sign_in`: the user agent, summarised ("Firefox on Linux"). */
  device: z.string().max(80).optional(),
  /** For `new_sign_in`: the client address, through the trusted proxies. */
  address: z.string().max(64).optional(),
});

/** A security setting of the account changed; the user is told, in case it was not them. */
export const AccountSecurityChanged = defineEvent<z.infer<typeof AccountSecurityChangedDataSchema>>({
  type: EventType.AccountSecurityChanged,
  description:
    'The password, two-factor or API keys of an account changed, or it was signed in to from a new device or address (notify tells its user).',
  schema: AccountSecurityChangedDataSchema,
});

/** Every event identity defines, for the process registry. */
export const IDENTITY_EVENTS = [
  AccountCreated,
  EmailVerificationRequested,
  AccountEmailVerified,
  AccountTierChanged,
  AccountSecurityChanged,
] as const;
