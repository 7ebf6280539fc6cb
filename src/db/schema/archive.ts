import { bigint, bigserial, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sources } from './timeline.js';
import type { Signals } from '../../extract/types.js';
import type { Outcome } from './domain.js';
import { bytea, timestamptz } from './types.js';

/** Per-host crawl memory: politeness across workers, robots.txt, rendering mode, soft-404 probe. */
export const hosts = pgTable('hosts', {
  host: text('host').primaryKey(),
  lastRequestAt: timestamptz('last_request_at'),
  /** Earliest time the host may be asked again (Retry-After, back-off). */
  notBefore: timestamptz('not_before'),
  /** 'http' until a page of the host turned out to need a browser, then 'browser'. */
  renderMode: text('render_mode').notNull().default('http'),
  robotsTxt: text('robots_txt'),
  robotsFetchedAt: timestamptz('robots_fetched_at'),
  /** What the host answers for a random path that cannot exist (soft-404 detection). */
  probe: jsonb('probe').$type<Record<string, unknown>>(),
  probedAt: timestamptz('probed_at'),
  /** A worker leases a whole host, so one request at most is in flight per host across machines. */
  leaseOwner: text('lease_owner'),
  leaseExpiresAt: timestamptz('lease_expires_at'),
});

/** A body, stored once per distinct content hash (sha256 of the raw bytes), gzip-compressed. */
export const snapshots = pgTable(
  'snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    hash: text('hash').notNull(),
    contentType: text('content_type'),
    /** 'raw' for fetched bytes, 'rendered' for a browser's DOM. */
    kind: text('kind').notNull().default('raw'),
    size: integer('size').notNull(),
    body: bytea('body').notNull(),
    /** Readable text extracted from the body; derived, recomputable by extractorVersion. */
    title: text('title'),
    text: text('text'),
    textHash: text('text_hash'),
    extractorVersion: integer('extractor_version'),
    fingerprint: bigint('fingerprint', { mode: 'bigint' }),
    /** What extraction noticed (error page, parked, challenge, paywall, script shell, word count), same version as text. */
    signals: jsonb('signals').$type<Signals>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('snapshots_hash_idx').on(t.hash)],
);

/** Every attempt to fetch a source, failed ones too. */
export const captures = pgTable(
  'captures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    startedAt: timestamptz('started_at').notNull(),
    durationMs: integer('duration_ms'),
    requestedUrl: text('requested_url').notNull(),
    /** Each hop: [{url, status}], the last one being the final answer. */
    redirects: jsonb('redirects').$type<{ url: string; status: number }[]>().notNull().default([]),
    finalUrl: text('final_url'),
    httpStatus: integer('http_status'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    /** Every response header as received, order and repeats kept: [name, value][] (null on captures before it was kept). */
    responseHeaderList: jsonb('response_header_list').$type<[string, string][]>(),
    /** The request citewatch sent for the final hop, so an export can reproduce the exchange. */
    request: jsonb('request').$type<{ method: string; url: string; httpVersion: string; headers: [string, string][] }>(),
    /** 'http' or 'browser'. */
    fetcher: text('fetcher').notNull(),
    /** fetched, not-modified, http-error, network-error, robots-disallowed, too-large, refused-address, not-rendered. */
    outcome: text('outcome').$type<Outcome>().notNull(),
    /** For network errors: dns, refused, reset, timeout, tls, ...; for others a finer reason. */
    errorKind: text('error_kind'),
    errorMessage: text('error_message'),
    bodyHash: text('body_hash'),
    snapshotId: bigint('snapshot_id', { mode: 'number' }).references(() => snapshots.id),
    renderedSnapshotId: bigint('rendered_snapshot_id', { mode: 'number' }).references(() => snapshots.id),
    /** sha256 of a PNG screenshot kept under snapshots/. */
    screenshotHash: text('screenshot_hash'),
    workerId: text('worker_id'),
  },
  (t) => [index('captures_source_time_idx').on(t.sourceId, t.startedAt)],
);
