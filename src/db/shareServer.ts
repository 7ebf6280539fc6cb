import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { pgliteGate, serveConnection } from './shareConnection.js';
import { removeShareRecord, writeShareRecord, type ShareRecord } from './shareRecord.js';

/** Longest unix socket path the kernel takes (sun_path is 108 bytes with its NUL; keep a margin). */
const MAX_SOCKET_PATH = 100;

export type ShareServer = {
  record: ShareRecord;
  /** Stops taking clients, ends the connected ones (their open transactions rolled back), removes the record. */
  close(): Promise<void>;
};

export type ShareReservation = { record: ShareRecord; cancel(): void };

/**
 * Announces, before the database is even opened, where it will be lent: commands started while
 * the service opens and migrates it wait for the socket instead of failing. Called with the home
 * lock held, so the record is ours to write.
 */
export function reserveShare(home: string): ShareReservation {
  let socket = path.join(home, 'db.sock');
  const privateSocket = socket.length > MAX_SOCKET_PATH ? privateShare() : null;
  if (privateSocket) socket = privateSocket.record.socket;
  // We hold the home lock: a socket file left here belongs to a process that is gone.
  else rmSync(socket, { force: true });
  const record: ShareRecord = { pid: process.pid, socket, startedAt: new Date().toISOString() };
  writeShareRecord(home, record);
  return {
    record,
    cancel: () => {
      removeShareRecord(home, record);
      privateSocket?.cancel();
    },
  };
}

/** A socket in a private temporary folder (mode 0700), announced nowhere: for this process's own use. */
export function privateShare(): ShareReservation {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'citewatch-'));
  const record: ShareRecord = { pid: process.pid, socket: path.join(dir, 'db.sock'), startedAt: new Date().toISOString() };
  return { record, cancel: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Lends the embedded database held by this process to other citewatch processes on this machine:
 * a unix socket (only the owner may connect: mode 0600, and PGlite asks no password) in the home, or
 * in a private temporary folder when the home's path is too long for a socket, recorded in
 * `$home/db.share.json` with our pid. openDatabase finds it there when the home lock is held.
 * Not PGLiteSocketServer: its queue takes PGlite's query mutex per message, so a client's message
 * could land inside the service's own transaction (and two clients' extended-protocol messages
 * interleave); here a whole unit of work holds PGlite's transaction mutex (shareConnection.ts).
 */
export async function startShareServer(pglite: PGlite, reservation: ShareReservation): Promise<ShareServer> {
  const { record } = reservation;
  const gate = pgliteGate(pglite);
  const sockets = new Set<Socket>();
  const ended = new Set<Promise<void>>();
  const server = createServer((socket) => {
    sockets.add(socket);
    let done!: () => void;
    const end = new Promise<void>((resolve) => {
      done = resolve;
    });
    ended.add(end);
    serveConnection(pglite, socket, gate, () => {
      sockets.delete(socket);
      ended.delete(end);
      done();
    });
  });
  server.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(record.socket, () => resolve());
  });
  chmodSync(record.socket, 0o600);
  return {
    record,
    async close() {
      reservation.cancel();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.all([closed, ...ended]);
      rmSync(record.socket, { force: true });
    },
  };
}
