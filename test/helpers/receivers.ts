import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { freePort } from '../../src/simweb/index.js';

/**
 * Real alert receivers on loopback for the tests: an HTTP webhook endpoint and an SMTP server, each
 * scripted per request to fail the way real ones do, and each deduplicating by idempotency key the
 * way a careful receiver would (so a test can tell "sent twice" from "processed twice").
 */

/** What the webhook endpoint does with one request: answer with a status, never answer, or cut the connection. */
export type WebhookAction = { status: number } | 'hang' | 'destroy';

export type WebhookHit = { key: string; body: string; headers: http.IncomingHttpHeaders; action: WebhookAction };

export type WebhookReceiver = {
  url: string;
  hits: WebhookHit[];
  /** Keys answered 2xx, each counted once per processing (a duplicate key is dropped, not counted again). */
  processed: Map<string, number>;
  /** Resolves when `n` requests have been read in full. */
  waitForHits(n: number): Promise<WebhookHit[]>;
  close(): Promise<void>;
};

/** Waits for a list to reach a length: `wake()` after each push, `wait(n)` resolves with the list once it has n items. */
function lengthWaiter<T>(items: T[]): { wake(): void; wait(n: number): Promise<T[]> } {
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    wake: () => {
      for (const w of waiters.filter((w) => items.length >= w.n)) w.resolve();
    },
    wait: (n) =>
      new Promise((resolve) => {
        if (items.length >= n) return resolve(items);
        waiters.push({ n, resolve: () => resolve(items) });
      }),
  };
}

export async function startWebhookReceiver(script: (n: number, key: string) => WebhookAction): Promise<WebhookReceiver> {
  const hits: WebhookHit[] = [];
  const processed = new Map<string, number>();
  const waiter = lengthWaiter(hits);
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const action = script(hits.length, key);
      hits.push({ key, body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, action });
      waiter.wake();
      if (action === 'destroy') return req.socket.destroy();
      if (action === 'hang') return void hanging.add(res);
      if (action.status < 300 && !processed.has(key)) processed.set(key, 1);
      res.writeHead(action.status, { 'content-type': 'text/plain' }).end(action.status < 300 ? 'ok' : 'receiver trouble');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    processed,
    waitForHits: waiter.wait,
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.socket?.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The receiver's side of the signature check: HMAC-SHA256 of the exact body, compared in constant time. */
export function signatureValid(body: string, header: string | string[] | undefined, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(String(header ?? ''));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A loopback URL nothing listens on: connecting is refused. */
export async function refusedUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort('127.0.0.1')}/hook`;
}

export type Mail = { raw: string; from: string; to: string[]; user: string | null };

export type SmtpReceiver = {
  port: number;
  mails: Mail[];
  waitForMails(n: number): Promise<Mail[]>;
  close(): Promise<void>;
};

/**
 * An SMTP server without TLS (STARTTLS hidden, as on a local relay). `accept(n)` decides the fate of
 * the n-th message: true, or an SMTP reply code to refuse it with. With `auth`, only that user and
 * password may send.
 */
export async function startSmtpReceiver(options: {
  accept?: (n: number) => true | number;
  auth?: { user: string; pass: string };
}): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  let received = 0;
  const waiter = lengthWaiter(mails);
  const server = new SMTPServer({
    disabledCommands: options.auth ? [] : ['AUTH'],
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authOptional: !options.auth,
    logger: false,
    onAuth(auth, _session, callback) {
      if (options.auth && auth.username === options.auth.user && auth.password === options.auth.pass)
        return callback(null, { user: auth.username });
      callback(new Error('invalid user or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const verdict = options.accept?.(received++) ?? true;
        if (verdict !== true) {
          const err = Object.assign(new Error('mailbox busy, try later'), { responseCode: verdict });
          return callback(err);
        }
        mails.push({
          raw: Buffer.concat(chunks).toString('utf8'),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: (session.user as string | undefined) ?? null,
        });
        waiter.wake();
        callback();
      });
    },
  });
  const port = await freePort('127.0.0.1');
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    mails,
    waitForMails: waiter.wait,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A header of a raw message (unfolded), or null. */
export function mailHeader(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/)[0].replace(/\r?\n[ \t]+/g, ' ');
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head);
  return m ? m[1].trim() : null;
}

/** A header's RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) decoded, as a mail reader shows it. */
export function decodeHeader(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_m, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_h, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}
