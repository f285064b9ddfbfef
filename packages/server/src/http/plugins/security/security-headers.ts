/**
 * @module Security headers on every response (@fastify/helmet) with a Content-Security-Policy the
 * dashboard and the API docs page can live with: everything from this origin, inline styles
 * (React and chart libraries set `style` attributes), images from `data:` (QR codes), and no
 * framing, plugins or foreign form targets.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Options for {@link registerSecurityHeaders}. */
export interface SecurityHeadersOptions {
  /**
   * Served over HTTPS: adds Strict-Transport-Security and `upgrade-insecure-requests` (over plain
   * HTTP on a LAN address the latter would break every asset).
   */
  tls: boolean;
  /**
   * More origins for `connect-src`, read for each response: a gateway's game page connects to
   * zones served by other processes. @default none
   */
  connectSources?: () => readonly string[];
}

/** The CSP directives; exported for tests and for a reverse proxy that sets headers itself. */
export function contentSecurityPolicy(tls: boolean): Record<string, string[] | null> {
  return {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    // 'self' covers same-origin ws:/wss: in current browsers (CSP 3).
    'connect-src': ["'self'"],
    'worker-src': ["'self'", 'blob:'],
    'object-src': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'self'"],
    'upgrade-insecure-requests': tls ? [] : null,
  };
}

/** A CSP source expression is one token: anything else (a space, a quote, `;`) is left out. */
const SOURCE = /^[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9.[\]:-]+$/;

/** The directives with `connectSources` appended to `connect-src` per response. */
function withConnectSources(options: SecurityHeadersOptions) {
  const directives = contentSecurityPolicy(options.tls);
  const more = options.connectSources;
  if (!more) return directives;
  return {
    ...directives,
    'connect-src': [
      ...(directives['connect-src'] ?? []),
      () => [...new Set(more())].filter((source) => SOURCE.test(source)).join(' '),
    ],
  };
}

export function registerSecurityHeaders(app: FastifyInstance, options: SecurityHeadersOptions): void {
  void app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: withConnectSources(options) },
    hsts: options.tls ? { maxAge: 180 * 24 * 3600, includeSubDomains: false } : false,
    // Same-site API callers (the dashboard) and CORS callers are unaffected; embedding is not.
    crossOriginResourcePolicy: { policy: 'same-site' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}
