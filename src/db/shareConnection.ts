import type { Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

/** PostgreSQL's startup-phase request codes (a length, then one of these, no type byte). */
const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;

/** Messages after which the backend answers ReadyForQuery: the end of a unit of work. */
const QUERY = 0x51; // 'Q'
const SYNC = 0x53; // 'S'
const TERMINATE = 0x58; // 'X'

/**
 * A client that holds the database (mid-transaction, or mid extended-protocol query) and then says
 * nothing for this long is cut off and its transaction rolled back, so a stuck command cannot stall
 * the service's crawl forever.
 */
export const HOLD_IDLE_MS = 30_000;

/** The gate: PGlite's own transaction mutex, held from a client's first message to its next idle ReadyForQuery. */
export type Gate = () => Promise<() => void>;

export function pgliteGate(pglite: PGlite): Gate {
  return () =>
    new Promise((acquired) => {
      void pglite._runExclusiveTransaction(() => new Promise<void>((release) => acquired(release)));
    });
}

/**
 * Serves one client connection on the shared PGlite, speaking the wire protocol by handing each
 * message to PGlite itself (execProtocolRawStream). PGlite is one backend session, so units of work
 * must not interleave: a client takes the gate before its first message and keeps it until the
 * backend is idle again (after a Sync or simple Query, outside a transaction block). The service's
 * own queries and transactions take the same mutex, so they and every client queue behind each other.
 * A client that vanishes mid-query or mid-transaction is rolled back and the gate released; nothing
 * it does can throw out of here.
 */
export function serveConnection(pglite: PGlite, socket: Socket, gate: Gate, onEnd: () => void): void {
  let started = false;
  let held: (() => void) | null = null;
  let closed = false;
  let idleTimer: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();

  const run = (step: () => Promise<void>) => {
    chain = chain.then(step).catch(() => end());
  };
  const write = (data: Buffer) => {
    if (!closed && socket.writable && data.length > 0) socket.write(data);
  };
  const armIdle = () => {
    clearTimeout(idleTimer);
    if (held) idleTimer = setTimeout(() => socket.destroy(), HOLD_IDLE_MS);
  };
  const exec = (message: Uint8Array, onData: (d: Uint8Array) => void) =>
    pglite.runExclusive(() => pglite.execProtocolRawStream(message, { onRawData: onData }));

  const forward = async (message: Buffer, endsUnit: boolean) => {
    if (closed) return;
    held ??= await gate();
    // PGlite answers in many small pieces: one write per message, not one syscall per piece.
    const answer: Uint8Array[] = [];
    await exec(message, (data) => answer.push(data.slice()));
    write(Buffer.concat(answer));
    if (endsUnit && !pglite.isInTransaction()) {
      held();
      held = null;
    }
    armIdle();
  };

  const end = () => {
    if (closed) return;
    closed = true;
    clearTimeout(idleTimer);
    socket.destroy();
    // After the last message in flight: leave the session clean (no open transaction, no half query).
    chain = chain
      .then(async () => {
        if (!held) return;
        await exec(frame(SYNC, Buffer.alloc(0)), () => {});
        if (pglite.isInTransaction()) await exec(frame(QUERY, Buffer.from('ROLLBACK\0')), () => {});
      })
      .catch(() => {})
      .finally(() => {
        held?.();
        held = null;
        onEnd();
      });
  };

  // What the client sent and we have not handed on yet, joined only once a whole message is there.
  let parts: Buffer[] = [];
  let size = 0;
  /** The first n bytes waiting, in one buffer, or null while fewer have arrived. */
  const peek = (n: number): Buffer | null => {
    if (size < n) return null;
    if (parts[0].length < n) parts = [Buffer.concat(parts)];
    return parts[0];
  };
  const consume = (n: number): Buffer => {
    const message = parts[0].subarray(0, n);
    parts[0] = parts[0].subarray(n);
    if (parts[0].length === 0) parts.shift();
    size -= n;
    return message;
  };

  const take = () => {
    while (!closed) {
      if (!started) {
        const head = peek(8);
        if (!head) return;
        const length = head.readInt32BE(0);
        const code = head.readInt32BE(4);
        if (!peek(length)) return;
        const message = consume(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) write(Buffer.from('N'));
        else if (code === CANCEL_REQUEST) return end();
        else {
          started = true;
          run(() => forward(message, true));
        }
        continue;
      }
      const head = peek(5);
      if (!head) return;
      const length = 1 + head.readInt32BE(1);
      if (!peek(length)) return;
      const message = consume(length);
      const type = message[0];
      if (type === TERMINATE) return end();
      run(() => forward(message, type === QUERY || type === SYNC));
    }
  };

  socket.on('data', (data) => {
    parts.push(data);
    size += data.length;
    take();
  });
  socket.on('error', () => end());
  socket.on('close', () => end());
}

function frame(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head[0] = type;
  head.writeInt32BE(4 + body.length, 1);
  return Buffer.concat([head, body]);
}
