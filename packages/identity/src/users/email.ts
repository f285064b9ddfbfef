/** @module Email normalisation: one spelling per mailbox, so uniqueness and sign-in agree. */

/** Longest address accepted (RFC 5321 path limit). */
export const MAX_EMAIL_LENGTH = 254;

/**
 * Trims, applies Unicode NFKC and lower-cases the whole address. Lower-casing the local part is
 * technically lossy (RFC 5321 lets servers treat it case-sensitively) but no real provider does,
 * and two accounts differing only by case are a support and phishing problem. Provider-specific
 * rules (Gmail dots, `+tags`) are NOT applied: they are distinct addresses elsewhere.
 */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFKC').toLowerCase();
}
