import { createHash } from 'node:crypto';

/** Hex SHA-256: of a body (its archive key), a text (its change key), a token or a screenshot. A module of its own, light enough for the extraction worker and the server's auth to load. */
export const sha256 = (bytes: Uint8Array | string): string => createHash('sha256').update(bytes).digest('hex');
