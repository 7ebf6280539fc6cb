import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDXIndexer, WARCParser } from 'warcio';
import { archiveTimestamp } from '../src/archive/captureTimes.js';
import { rawBody } from '../src/archive/queries.js';
import { headersForStoredBody, warcDigest } from '../src/archive/warc/exchange.js';
import { openDatabase } from '../src/db/open.js';
import { captures, sources } from '../src/db/schema/index.js';
import { SIMULATED_WEB_RANGE, startSimWeb, type SimWeb } from '../src/simweb/index.js';
import { BIN, cliEnv, runCli, type CliResult } from './helpers/cli.js';
import { story } from './helpers/archiveWeb.js';
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './helpers/db.js';

type CaptureRow = typeof captures.$inferSelect & { sourceUrl: string; body: Uint8Array | null };
type Parsed = {
  type: string;
  target: string | null;
  date: string | null;
  headers: Record<string, string>;
  /** The record's block exactly as stored (HTTP head and payload, or fields). */
  block: Buffer;
};

const PULLED_ARCHIVE = 'https://web.archive.org/web/2024/https://paper.example/pulled';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const sha256Digest = (bytes: Uint8Array) => warcDigest(sha256(bytes));

/** Every record of a WARC file, with its WARC headers and its block as written (no HTTP parsing). */
async function readRecords(file: string): Promise<Parsed[]> {
  const out: Parsed[] = [];
  for await (const record of new WARCParser(createReadStream(file), { parseHttp: false })) {
    const headers = Object.fromEntries([...record.warcHeaders.headers].map(([k, v]) => [k.toLowerCase(), v]));
    out.push({
      type: record.warcType!,
      target: record.warcTargetURI ?? null,
      date: record.warcDate ?? null,
      headers,
      block: Buffer.from(await record.readFully(false)),
    });
  }
  return out;
}

/** An HTTP message block split into its head lines and its payload. */
function splitBlock(block: Buffer): { statusline: string; headers: [string, string][]; payload: Buffer } {
  const end = block.indexOf('\r\n\r\n');
  const [statusline, ...lines] = block.subarray(0, end).toString('utf8').split('\r\n');
  const headers = lines.map((l): [string, string] => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]);
  return { statusline, headers, payload: block.subarray(end + 4) };
}

/** SURT of the simple URLs the simulated web has: reversed host, port, path. */
const surt = (url: string) => {
  const u = new URL(url);
  return `${u.hostname.split('.').reverse().join(',')}${u.port ? `:${u.port}` : ''})${u.pathname.toLowerCase()}`;
};

describe(`citewatch export warc (${testDatabaseKind})`, () => {
  let database: TestDatabase;
  let web: SimWeb;
  let home: string;
  let dir: string;
  let auditUrl: string;
  let pulledUrl: string;
  let rows: CaptureRow[];
  let records: Parsed[];
  const env = () =>
    cliEnv(home, database.url, {
      CITEWATCH_HOST_DELAY_MS: '50',
      CITEWATCH_ALLOW_PRIVATE_NETWORK: SIMULATED_WEB_RANGE,
      // One missing answer is enough here: the pulled page vanishes within the three passes.
      CITEWATCH_VANISHED_AFTER_CHECKS: '1',
    });
  const cli = (...args: string[]): Promise<CliResult> => runCli(args, env());

  beforeAll(async () => {
    database = await openTestDatabase();
    web = await startSimWeb({
      hosts: {
        'paper.example': {
          pages: {
            '/audit': {
              kind: 'rounds',
              rounds: [story('Audit finds transfers', '$4 million'), story('Audit finds transfers', '$9 million')],
            },
            '/gone': { kind: 'status', status: 404, body: '<html><body><h1>Not here</h1></body></html>', contentType: 'text/html' },
            '/pulled': { kind: 'rounds', rounds: [story('Minister resigns', '$2 million'), { kind: 'status', status: 410 }] },
          },
        },
      },
    });
    home = mkdtempSync(path.join(os.tmpdir(), 'citewatch-warc-'));
    dir = mkdtempSync(path.join(os.tmpdir(), 'citewatch-warc-out-'));
    const timeline = mkdtempSync(path.join(os.tmpdir(), 'citewatch-warc-tl-'));
    auditUrl = web.url('paper.example', '/audit');
    pulledUrl = web.url('paper.example', '/pulled');
    const cited = [auditUrl, web.url('paper.example', '/gone'), web.refusedUrl('/nobody')];
    writeFileSync(
      path.join(timeline, 'e.md'),
      `---\nid: e\ntitle: Audit\nsources:\n${cited.map((u) => `- url: ${u}\n`).join('')}- url: ${pulledUrl}\n  archive_url: ${PULLED_ARCHIVE}\n---\nThe audit found $4 million.\n`,
    );
    expect((await cli('ingest', timeline)).code).toBe(0);
    for (const round of [0, 0, 1]) {
      web.setRound(round);
      expect((await cli('crawl', '--all')).code).toBe(0);
    }
    const exported = await cli('export', 'warc', '-o', path.join(dir, 'all.warc.gz'));
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    // What the archive holds, read straight from the database the CLI wrote.
    const archive = await openDatabase({ home, databaseUrl: database.url });
    try {
      const found = await archive.db
        .select({ capture: captures, sourceUrl: sources.url })
        .from(captures)
        .innerJoin(sources, eq(sources.id, captures.sourceId))
        .orderBy(captures.id);
      rows = [];
      for (const { capture, sourceUrl } of found)
        rows.push({ ...capture, sourceUrl, body: capture.snapshotId ? (await rawBody(archive.db, capture.id)).body : null });
    } finally {
      await archive.close();
    }
    records = await readRecords(path.join(dir, 'all.warc.gz'));
  }, 600_000);
  afterAll(async () => {
    await web?.close();
    await database?.close();
  });

  const recordsOf = (c: CaptureRow) => records.filter((r) => r.headers['warc-citewatch-capture-id'] === String(c.id));
  const audit = () => rows.filter((r) => r.sourceUrl === auditUrl);

  it('starts with a warcinfo record and writes one gzip member per record', () => {
    expect(records[0].type).toBe('warcinfo');
    expect(records[0].block.toString()).toMatch(/^software: citewatch /m);
    const file = readFileSync(path.join(dir, 'all.warc.gz'));
    let members = 0;
    for (let i = 0; i + 2 < file.length; i++) if (file[i] === 0x1f && file[i + 1] === 0x8b && file[i + 2] === 8) members++;
    expect(members).toBeGreaterThanOrEqual(records.length);
  });

  it('gives every capture with a body a response (or revisit) and a request, and every capture a metadata record', () => {
    expect(audit()).toHaveLength(3);
    for (const c of rows) {
      const types = recordsOf(c).map((r) => r.type);
      if (c.snapshotId === null) expect(types).toEqual(['metadata']);
      else expect(types).toEqual([expect.stringMatching(/^(response|revisit)$/), 'request', 'metadata']);
      for (const r of recordsOf(c)) {
        expect(r.target).toBe(c.finalUrl ?? c.requestedUrl);
        expect(r.date).toBe(c.startedAt.toISOString());
      }
    }
    expect(records.length).toBe(1 + rows.reduce((n, c) => n + (c.snapshotId === null ? 1 : 3), 0));
  });

  it('writes each response as the stored headers in order and the exact body bytes, with digests that recompute', () => {
    const responses = rows.filter((c) => recordsOf(c)[0]?.type === 'response');
    // A response for each body a source had that its previous body was not.
    const lastBody = new Map<string, number | null>();
    const changed = rows.filter((c) => {
      if (c.snapshotId === null) return false;
      const before = lastBody.get(c.sourceUrl);
      lastBody.set(c.sourceUrl, c.snapshotId);
      return before !== c.snapshotId;
    });
    expect(responses.map((c) => c.id)).toEqual(changed.map((c) => c.id));
    expect(responses.length).toBeGreaterThanOrEqual(4); // two audits, the 404 page, the pulled page
    for (const c of responses) {
      const [record] = recordsOf(c);
      const { statusline, headers, payload } = splitBlock(record.block);
      expect(statusline).toMatch(new RegExp(`^HTTP/1\\.1 ${c.httpStatus} `));
      expect(headers).toEqual(headersForStoredBody(c.responseHeaderList!, c.body!.length));
      expect(Buffer.compare(payload, Buffer.from(c.body!))).toBe(0);
      expect(record.headers['warc-payload-digest']).toBe(sha256Digest(payload));
      expect(record.headers['warc-payload-digest']).toBe(warcDigest(c.bodyHash!));
      expect(record.headers['warc-block-digest']).toBe(sha256Digest(record.block));
      expect(record.headers['warc-citewatch-response-headers']).toBe('as-received');
    }
  });

  it('writes the request as sent: line, headers in order, User-Agent, tied to its response', () => {
    for (const c of rows.filter((r) => r.snapshotId !== null)) {
      const [answer, request] = recordsOf(c);
      const { statusline, headers } = splitBlock(request.block);
      expect(statusline).toBe(`GET ${new URL(c.finalUrl!).pathname} HTTP/1.1`);
      expect(headers).toEqual(c.request!.headers);
      expect(headers.some(([n]) => /^user-agent$/i.test(n))).toBe(true);
      expect(request.headers['warc-concurrent-to']).toBe(answer.headers['warc-record-id']);
      expect(request.headers['warc-citewatch-request']).toBe('as-sent');
    }
  });

  it('writes an unchanged recapture as a revisit of the first capture, by identical payload digest', () => {
    const [first, second, third] = audit();
    const [original] = recordsOf(first);
    const [revisit] = recordsOf(second);
    expect(revisit.type).toBe('revisit');
    expect(revisit.headers['warc-profile']).toBe('http://netpreserve.org/warc/1.1/revisit/identical-payload-digest');
    expect(revisit.headers['warc-refers-to']).toBe(original.headers['warc-record-id']);
    expect(revisit.headers['warc-refers-to-target-uri']).toBe(first.finalUrl);
    expect(revisit.headers['warc-refers-to-date']).toBe(first.startedAt.toISOString());
    expect(revisit.headers['warc-payload-digest']).toBe(original.headers['warc-payload-digest']);
    expect(splitBlock(revisit.block).payload.length).toBe(0);
    expect(recordsOf(third)[0].type).toBe('response');
  });

  it("records citewatch's own facts: outcome, error kind, state", () => {
    const fields = (c: CaptureRow) =>
      Object.fromEntries(
        recordsOf(c)
          .at(-1)!
          .block.toString()
          .trim()
          .split('\r\n')
          .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]),
      );
    for (const c of rows) {
      const f = fields(c);
      expect(recordsOf(c).at(-1)!.headers['content-type']).toBe('application/warc-fields');
      expect(f.outcome).toBe(c.outcome);
      expect(f['citewatch-source-url']).toBe(c.sourceUrl);
      expect(f['error-kind']).toBe(c.errorKind ?? undefined);
    }
    const failed = rows.filter((c) => c.snapshotId === null);
    expect(failed.length).toBeGreaterThanOrEqual(3);
    for (const c of failed) expect(fields(c)['error-message']).toBe(c.errorMessage!.replace(/[\r\n]+/g, ' '));
    expect(fields(audit()[2])['source-state']).toMatch(/^(ok|changed)$/);
  });

  it('indexes as CDXJ with warcio: one line per response and revisit, SURT key, time and digest', async () => {
    const lines: string[] = [];
    const indexer = new CDXIndexer({ format: 'cdxj' });
    const sink = { write: (line: string) => void lines.push(line) };
    await indexer.writeAll([{ filename: 'all.warc.gz', reader: createReadStream(path.join(dir, 'all.warc.gz')) }], sink as never);
    const withBody = rows.filter((c) => c.snapshotId !== null);
    expect(lines).toHaveLength(withBody.length);
    for (const [i, c] of withBody.entries()) {
      const [urlkey, timestamp] = lines[i].split(' ');
      const entry = JSON.parse(lines[i].slice(lines[i].indexOf('{')));
      expect(urlkey).toBe(surt(c.finalUrl!));
      expect(timestamp).toBe(archiveTimestamp(c.startedAt));
      expect(entry.digest).toBe(warcDigest(sha256(c.body!)).slice('sha256:'.length));
      expect(entry.mime).toBe(recordsOf(c)[0].type === 'revisit' ? 'warc/revisit' : 'text/html');
      expect(Number(entry.status)).toBe(c.httpStatus);
    }
  });

  it('narrows to one source and a time range, and streams to stdout with -o -', async () => {
    const [, second, third] = audit();
    const file = path.join(dir, 'one.warc.gz');
    const done = await cli('export', 'warc', '--source', auditUrl, '--since', second.startedAt.toISOString(), '-o', file);
    expect(done.code).toBe(0);
    const narrowed = await readRecords(file);
    expect(new Set(narrowed.filter((r) => r.type !== 'warcinfo').map((r) => r.headers['warc-citewatch-capture-id']))).toEqual(
      new Set([String(second.id), String(third.id)]),
    );
    // The second capture's original lies before the range: its own body is written, not a revisit of a record not in the file.
    expect(narrowed.find((r) => r.headers['warc-citewatch-capture-id'] === String(second.id))!.type).toBe(
      second.httpStatus === 304 ? 'revisit' : 'response',
    );
    const piped = await new Promise<Buffer>((resolve, reject) =>
      execFile(BIN, ['export', 'warc', '--until', '2000-01-01', '-o', '-'], { env: env(), encoding: 'buffer' }, (err, stdout) =>
        err ? reject(err) : resolve(stdout),
      ),
    );
    writeFileSync(path.join(dir, 'empty.warc.gz'), piped);
    expect((await readRecords(path.join(dir, 'empty.warc.gz'))).map((r) => r.type)).toEqual(['warcinfo']);
  }, 300_000);

  it('says clearly what is wrong with a bad time or an unknown URL, and leaves no file behind', async () => {
    const badTime = await cli('export', 'warc', '--since', 'yesterday', '-o', path.join(dir, 'bad.warc.gz'));
    expect([badTime.code, badTime.stderr]).toEqual([2, expect.stringContaining('--since must be a time such as 2025-03-01')]);
    const unknown = await cli('export', 'warc', '--source', 'https://nowhere.example/x', '-o', path.join(dir, 'bad.warc.gz'));
    expect([unknown.code, unknown.stderr]).toEqual([4, expect.stringContaining('no cited source has the URL https://nowhere.example/x')]);
    const backwards = await cli('export', 'warc', '--since', '2025-02-01', '--until', '2025-01-01', '-o', path.join(dir, 'bad.warc.gz'));
    expect([backwards.code, backwards.stderr]).toEqual([2, expect.stringContaining('--since (2025-02-01) is after --until (2025-01-01)')]);
    const nowhere = path.join(dir, 'no-such-dir', 'x.warc.gz');
    const unwritable = await cli('export', 'warc', '-o', nowhere);
    expect([unwritable.code, unwritable.stderr]).toEqual([2, expect.stringContaining(`cannot write ${nowhere}: ENOENT`)]);
    expect(() => readFileSync(path.join(dir, 'bad.warc.gz'))).toThrow(/ENOENT/);
  }, 300_000);

  it('points at what survives of a vanished page: its last good capture and the archive copy the timeline cites', async () => {
    type Listed = { url: string; state: string; lastGoodCapture?: { id: number; at: string } | null; archiveUrls?: string[] };
    const listed = JSON.parse((await cli('sources', '--json')).stdout) as Listed[];
    const pulled = listed.find((s) => s.url === pulledUrl)!;
    expect(pulled.state).toBe('vanished');
    const lastGood = rows.filter((c) => c.sourceUrl === pulledUrl && c.snapshotId !== null && c.httpStatus! < 400).at(-1)!;
    expect(pulled.lastGoodCapture).toEqual({ id: lastGood.id, at: lastGood.startedAt.toISOString() });
    expect(pulled.archiveUrls).toEqual([PULLED_ARCHIVE]);
    // A page that never answered well has nothing to point at; a live one gets neither field.
    const gone = listed.find((s) => s.url === web.url('paper.example', '/gone'))!;
    expect([gone.state, gone.lastGoodCapture, gone.archiveUrls]).toEqual(['vanished', null, []]);
    const live = listed.find((s) => s.url === auditUrl)!;
    expect(live.state).not.toMatch(/vanished|unreachable/);
    expect('lastGoodCapture' in live || 'archiveUrls' in live).toBe(false);
  }, 300_000);
});
