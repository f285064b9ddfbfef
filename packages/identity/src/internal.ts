/** @module Everything in index.ts plus building blocks for tests and sibling packages. */
export * from './index.ts';
export { createJwtTokens, toTokenError, ACCESS_TOKEN_TYPE, MFA_TOKEN_TYPE } from './tokens/jwt-tokens.ts';
export { importTokenKeys, MIN_HS256_SECRET_BYTES } from './tokens/token-keys.ts';
export { randomToken, randomString, sha256Hex, digestsEqual } from './tokens/secrets.ts';
export { generateApiKey, apiKeyPrefixOf } from './api-keys/api-key-format.ts';
export { createLastUsedRecorder } from './api-keys/last-used-recorder.ts';
export { createTotp, TOTP_PERIOD_SECONDS } from './totp/totp.ts';
export { createSecretBox } from './totp/secret-box.ts';
export { generateRecoveryCodes, hashRecoveryCode, looksLikeRecoveryCode } from './totp/recovery-codes.ts';
export { qrSvg, qrDataUrl } from './totp/qr.ts';
export { parseInput, invalidInput } from './schemas/parse-input.ts';
export { toPublicUser } from './users/user.ts';
export type { JwtTokens, AccessClaims, VerifiedAccessToken } from './tokens/jwt-tokens.ts';
export type { TokenKeys } from './tokens/token-keys.ts';
export type { LastUsedRecorder } from './api-keys/last-used-recorder.ts';
export type { Totp } from './totp/totp.ts';
export type * from './repository/records.ts';
