/**
 * The SDK declares the wire shapes itself so it carries no server code. This file holds them to the
 * server packages: the type checks fail `tsc` when identity or realtime change a shape, the runtime
 * checks fail when a close code, error code or parameter name drifts.
 */
import type * as identity from '@tickline/identity';
import {
  CloseCode as ServerCloseCode,
  DEFAULT_TICKET_PARAM,
  RealtimeErrorCodes,
  closeCodeFor,
  parseClientMessage,
  shouldReconnect,
  type ClientMessage,
  type RealtimeErrorCode,
  type ServerMessage,
} from '@tickline/realtime/internal';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { LAST_EVENT_ID_PARAM, TICKET_PARAM } from '../http/routes.ts';
import type * as client from './identity-types.ts';
import {
  CloseCode,
  RECONNECTABLE_STREAM_ERRORS,
  shouldReconnectAfterClose,
  type WsClientMessage,
  type WsServerMessage,
} from './stream-types.ts';

/** True only when A and B are mutually assignable. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;

describe('wire - identity shapes match the identity package', () => {
  it('wire - responses and inputs are the same types (checked by tsc)', () => {
    same<Same<client.PublicUser, identity.PublicUser>>();
    same<Same<client.TokenPair, identity.TokenPair>>();
    same<Same<client.SignedIn, identity.SignedIn>>();
    same<Same<client.MfaRequired, identity.MfaRequired>>();
    same<Same<client.SignInResult, identity.SignInResult>>();
    same<Same<client.ApiKeyInfo, identity.ApiKeyInfo>>();
    same<Same<client.TotpEnrolment, identity.TotpEnrolment>>();
    same<Same<client.Role, identity.Role>>();
    same<Same<client.Tier, identity.Tier>>();
    same<Same<client.SignUpInput, z.input<typeof identity.SignUpInputSchema>>>();
    same<Same<client.SignInInput, z.input<typeof identity.SignInInputSchema>>>();
    same<Same<client.CompleteMfaInput, z.input<typeof identity.CompleteMfaInputSchema>>>();
    same<Same<client.ChangePasswordInput, z.input<typeof identity.ChangePasswordInputSchema>>>();
    same<Same<client.TotpCodeInput, z.input<typeof identity.TotpCodeInputSchema>>>();
    same<Same<client.CreateApiKeyInput, z.input<typeof identity.CreateApiKeyInputSchema>>>();
    same<Same<client.CreatedApiKey, z.output<typeof identity.CreatedApiKeySchema>>>();
    expect(true).toBe(true);
  });
});

describe('wire - stream protocol matches the realtime package', () => {
  it('wire - messages: every server message is understood, every client message is accepted', () => {
    // Every non-event message the gateway sends fits the SDK's union.
    same<[ServerMessage] extends [WsServerMessage] ? true : false>();
    same<[WsClientMessage] extends [ClientMessage] ? true : false>();
    const subscribe: WsClientMessage = {
      type: 'subscribe',
      channels: ['user:u1'],
      lastEventId: 'x',
      ref: 'sub',
    };
    expect(parseClientMessage(JSON.stringify(subscribe))).toEqual(subscribe);
    expect(parseClientMessage(JSON.stringify({ type: 'ping' } satisfies WsClientMessage))).toEqual({
      type: 'ping',
    });
  });

  it('wire - close codes and the reconnect rule agree with the gateway for every code', () => {
    for (const [name, code] of Object.entries(ServerCloseCode)) {
      expect(CloseCode[name as keyof typeof CloseCode], name).toBe(code);
    }
    for (let code = 1000; code < 5000; code++) {
      if (code === 1005 || code === 1006) continue; // never sent in a close frame; the SDK reconnects
      expect(shouldReconnectAfterClose(code), String(code)).toBe(shouldReconnect(code));
    }
  });

  it('wire - the errors the SDK reconnects after exist and close with a reconnect code', () => {
    for (const code of RECONNECTABLE_STREAM_ERRORS) {
      expect(Object.keys(RealtimeErrorCodes), code).toContain(code);
      const closeCode = closeCodeFor[code as RealtimeErrorCode];
      if (closeCode !== undefined) expect(shouldReconnect(closeCode), code).toBe(true);
    }
    // And none the gateway asks to reconnect after is missing.
    for (const [code, closeCode] of Object.entries(closeCodeFor)) {
      if (shouldReconnect(closeCode)) expect(RECONNECTABLE_STREAM_ERRORS.has(code), code).toBe(true);
    }
  });

  it('wire - query parameter names are the gateway’s', () => {
    expect(TICKET_PARAM).toBe(DEFAULT_TICKET_PARAM);
    expect(LAST_EVENT_ID_PARAM).toBe('lastEventId');
  });
});
