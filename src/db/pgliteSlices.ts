import { setImmediate as nextTurn } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';

/**
 * How long PGlite may hold the event loop before it lets the rest of the process run. Its
 * PostgreSQL is WebAssembly run synchronously, and its queries resolve as promises, never through
 * the event loop: a transaction of a hundred statements runs as one task. On the crawl's thread that
 * held every timer and socket read for 100–300 ms at a time, so the busiest host's next request
 * started that much late, request after request (docs/benchmarks.md, "fifth session").
 */
export const PGLITE_SLICE_MS = 15;

/**
 * Makes PGlite give the event loop a turn between protocol messages once it has run `sliceMs`
 * without one: timers and sockets wait at most about a slice (plus one statement), and a transaction
 * pays a turn per slice rather than per statement (which slowed a batch of 500 captures from about a
 * second to ten under load). Every query and transaction of PGlite goes through execProtocolStream.
 */
export function sliceEventLoop(client: PGlite, sliceMs = PGLITE_SLICE_MS): PGlite {
  const run = client.execProtocolStream.bind(client);
  let turnAt = performance.now();
  client.execProtocolStream = async (...args: Parameters<PGlite['execProtocolStream']>) => {
    if (performance.now() - turnAt > sliceMs) {
      await nextTurn();
      turnAt = performance.now();
    }
    return run(...args);
  };
  return client;
}
