import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { SourceState } from './domain.js';
import { timestamptz } from './types.js';

/** One event of a timeline, identified by the id its file gives. Never deleted: removedAt marks it gone. */
export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    date: text('date'),
    importance: integer('importance'),
    status: text('status'),
    description: text('description').notNull().default(''),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    actors: jsonb('actors').$type<string[]>().notNull().default([]),
    /** The file the event was read from (the winning one when two files hold it). */
    sourcePath: text('source_path').notNull(),
    /** Hash of the normalized event content, so re-ingesting an unchanged file is a no-op. */
    contentHash: text('content_hash').notNull(),
    firstSeenAt: timestamptz('first_seen_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    removedAt: timestamptz('removed_at'),
  },
  (t) => [index('events_importance_idx').on(t.importance)],
);

/**
 * One cited web page, identified by its normalized URL. The crawl scheduling fields and the
 * current derived state live here; the history behind them is in captures and source_states.
 */
export const sources = pgTable(
  'sources',
  {
    id: serial('id').primaryKey(),
    url: text('url').notNull(),
    host: text('host').notNull(),
    firstSeenAt: timestamptz('first_seen_at').notNull().defaultNow(),
    /** Current state (pending, ok, changed, vanished, unreachable, blocked) and why. */
    state: text('state').$type<SourceState>().notNull().default('pending'),
    stateReason: text('state_reason'),
    stateSince: timestamptz('state_since'),
    /** The change that put the source in its current state, when there is one. */
    stateChangeId: integer('state_change_id'),
    checkedAt: timestamptz('checked_at'),
    nextCheckAt: timestamptz('next_check_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    /** Highest importance among the events citing it: checked first within a pass. */
    priority: integer('priority').notNull().default(0),
    /** Validators from the last successful capture, sent back as a conditional request. */
    etag: text('etag'),
    lastModified: text('last_modified'),
    /** A multi-worker crawl leases a source so that two workers never check it at once. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamptz('lease_expires_at'),
    /** The capture an editor re-verified: later changes are compared with it (null: the previous content capture). */
    verifiedCaptureId: bigint('verified_capture_id', { mode: 'number' }),
    /** When an editor marked the source replaced: the source now cited in its place. */
    replacedBySourceId: integer('replaced_by_source_id'),
  },
  (t) => [
    uniqueIndex('sources_url_idx').on(t.url),
    index('sources_host_idx').on(t.host),
    index('sources_due_idx').on(t.nextCheckAt),
    index('sources_state_idx').on(t.state),
  ],
);

/** Every spelling under which a source was cited, and every URL it was later found at (redirects). */
export const sourceUrls = pgTable(
  'source_urls',
  {
    id: serial('id').primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    url: text('url').notNull(),
    /** 'cited' for a spelling seen in a timeline file, 'final' for where a crawl ended up. */
    kind: text('kind').notNull(),
    firstSeenAt: timestamptz('first_seen_at').notNull().defaultNow(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('source_urls_source_url_kind_idx').on(t.sourceId, t.url, t.kind)],
);

/** An event citing a source, with what the citation itself says. Detached, never deleted. */
export const citations = pgTable(
  'citations',
  {
    id: serial('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    /** The URL exactly as the timeline file spells it. */
    originalUrl: text('original_url').notNull(),
    position: integer('position').notNull(),
    title: text('title'),
    outlet: text('outlet'),
    date: text('date'),
    tier: integer('tier'),
    archiveUrl: text('archive_url'),
    /** Fields of the citation that have no column (type, notes, ...), kept as given. */
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
    attachedAt: timestamptz('attached_at').notNull().defaultNow(),
    detachedAt: timestamptz('detached_at'),
  },
  (t) => [
    uniqueIndex('citations_event_source_idx').on(t.eventId, t.sourceId),
    index('citations_source_idx').on(t.sourceId),
    index('citations_attached_idx').on(t.eventId).where(sql`${t.detachedAt} is null`),
  ],
);

/** One run of `citewatch ingest`, with its counts and rejections, for status and audit. */
export const ingestRuns = pgTable('ingest_runs', {
  id: serial('id').primaryKey(),
  startedAt: timestamptz('started_at').notNull().defaultNow(),
  finishedAt: timestamptz('finished_at'),
  paths: jsonb('paths').$type<string[]>().notNull(),
  counts: jsonb('counts').$type<Record<string, number>>().notNull().default({}),
  rejections: jsonb('rejections').$type<unknown[]>().notNull().default([]),
});
