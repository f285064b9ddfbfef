/** @module Identity's Prometheus series. */
import { Counter, getOrCreateMetric, type Registry } from '@tickline/kernel';

export interface IdentityMetrics {
  signIns: Counter<'method' | 'outcome'>;
  signUps: Counter<'method'>;
  rejections: Counter<'code'>;
  passwordHashesShed: Counter;
}

export function createIdentityMetrics(registry: Registry): IdentityMetrics {
  return {
    signIns: getOrCreateMetric(
      registry,
      'tickline_identity_sign_ins_total',
      () =>
        new Counter({
          name: 'tickline_identity_sign_ins_total',
          help: 'Sign-in attempts by method (password, mfa, oidc, refresh) and outcome',
          labelNames: ['method', 'outcome'] as const,
          registers: [registry],
        }),
    ),
    signUps: getOrCreateMetric(
      registry,
      'tickline_identity_sign_ups_total',
      () =>
        new Counter({
          name: 'tickline_identity_sign_ups_total',
          help: 'Accounts created, by method',
          labelNames: ['method'] as const,
          registers: [registry],
        }),
    ),
    rejections: getOrCreateMetric(
      registry,
      'tickline_identity_rejections_total',
      () =>
        new Counter({
          name: 'tickline_identity_rejections_total',
          help: 'Credentials refused, by error code (tokens, API keys, refresh reuse)',
          labelNames: ['code'] as const,
          registers: [registry],
        }),
    ),
    passwordHashesShed: getOrCreateMetric(
      registry,
      'tickline_identity_password_hashes_shed_total',
      () =>
        new Counter({
          name: 'tickline_identity_password_hashes_shed_total',
          help: 'Password hashes or verifications refused with IDENTITY_BUSY (hashing saturated)',
          registers: [registry],
        }),
    ),
  };
}
