/** @module The caller's account: profile, password, two-factor enrolment. */
import type { AuthorizedSend } from '../auth/authorized-http.ts';
import type { Session } from '../auth/session.ts';
import type { ClientPaths } from '../http/routes.ts';
import type {
  ChangePasswordInput,
  PublicUser,
  RecoveryCodes,
  TokenPair,
  TotpCodeInput,
  TotpEnrolment,
} from '@tickline/protocol';

export interface AccountApi {
  /** The signed-in user. */
  get(): Promise<PublicUser>;
  /** Changes the password; the server starts a new session, which the client adopts. */
  changePassword(input: ChangePasswordInput): Promise<void>;
  /** Sends a new email verification link (nothing when the email is verified). */
  resendEmailVerification(): Promise<void>;
  totp: {
    /** Starts enrolment: the secret, an otpauth URI and a QR code as SVG. */
    enrol(): Promise<TotpEnrolment>;
    /** Confirms with a first code; resolves the recovery codes (shown once). */
    activate(input: TotpCodeInput): Promise<RecoveryCodes>;
    disable(input: TotpCodeInput): Promise<void>;
    regenerateRecoveryCodes(input: TotpCodeInput): Promise<RecoveryCodes>;
  };
}

export function createAccountApi(send: AuthorizedSend, session: Session, paths: ClientPaths): AccountApi {
  return {
    get: () => send<PublicUser>({ method: 'GET', path: paths.me }),
    async resendEmailVerification() {
      await send<void>({ method: 'POST', path: paths.emailVerification });
    },
    async changePassword(input) {
      const tokens = await send<TokenPair>({ method: 'POST', path: paths.changePassword, body: input });
      await session.replace(tokens);
    },
    totp: {
      enrol: () => send<TotpEnrolment>({ method: 'POST', path: paths.totpEnrol }),
      activate: (input) => send<RecoveryCodes>({ method: 'POST', path: paths.totpActivate, body: input }),
      disable: async (input) => {
        await send<void>({ method: 'POST', path: paths.totpDisable, body: input });
      },
      regenerateRecoveryCodes: (input) =>
        send<RecoveryCodes>({ method: 'POST', path: paths.totpRecoveryCodes, body: input }),
    },
  };
}
