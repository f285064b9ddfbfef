/** @module HTTPS: reads the configured certificate and key files into server options. */
import { readFileSync } from 'node:fs';

/** `http.tls` from config. */
export interface TlsFiles {
  certFile?: string | undefined;
  keyFile?: string | undefined;
}

/** PEM contents for `https.createServer`. */
export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
}

/**
 * Reads both files, or returns undefined when neither is configured (plain HTTP). Read at start:
 * a missing file fails the start with the path in the message.
 */
export function readTlsCredentials(files: TlsFiles): TlsCredentials | undefined {
  if (files.certFile === undefined && files.keyFile === undefined) return undefined;
  if (files.certFile === undefined || files.keyFile === undefined) {
    throw new Error('http.tls.certFile and http.tls.keyFile must be given together');
  }
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}
