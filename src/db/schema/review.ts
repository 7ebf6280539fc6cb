import { bigint, index, integer, jsonb, pgTable, real, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { captures, snapshots } from './archive.js';
import { events, sources } from './timeline.js';
import type { ChangeClassification, FlagStatus, SourceState } from './domain.js';
import { timestamptz } from './types.js';

/** What differs between two snapshots' extracted text. Derived data: one row per from/to pair. */
export const changes = pgTable(
  'changes',
  {
    id: serial('id').primaryKey(),
    fromSnapshotId: bigint('from_snapshot_id', { mode: 'number' })
      .notNull()
      .references(() => snapshots.id),
    toSnapshotId: bigint('to_snapshot_id', { mode: 'number' })
      .notNull()
      .references(() => snapshots.id),
    /** 'noise' or 'material'. */
    classification: text('classification').$type<ChangeClassification>().notNull(),
    /** What kinds of edit were seen: number, name, headline, paragraph-removed, correction, ... */
    kinds: jsonb('kinds').$type<string[]>().notNull().default([]),
    significance: real('significance').notNull(),
    added: jsonb('added').$type<string[]>().notNull().default([]),
    removed: jsonb('removed').$type<string[]>().notNull().default([]),
    summary: text('summary'),
    diffVersion: integer('diff_version').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('changes_pair_idx').on(t.fromSnapshotId, t.toSnapshotId)],
);

/** The history of each source's derived state: one row each time it moves. */
export const sourceStates = pgTable(
  'source_states',
  {
    id: serial('id').primaryKey(),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    state: text('state').$type<SourceState>().notNull(),
    reason: text('reason'),
    captureId: bigint('capture_id', { mode: 'number' }).references(() => captures.id),
    changeId: integer('change_id').references(() => changes.id),
    /** The capture the current state holds since (start of a vanish streak): identifies the episode. */
    sinceCaptureId: bigint('since_capture_id', { mode: 'number' }).references(() => captures.id),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('source_states_source_idx').on(t.sourceId, t.at)],
);

/** An event whose sources changed or vanished, waiting for an editor. At most one open per event. */
export const flags = pgTable(
  'flags',
  {
    id: serial('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => events.id),
    /** open, resolved or dismissed. */
    status: text('status').$type<FlagStatus>().notNull().default('open'),
    openedAt: timestamptz('opened_at').notNull().defaultNow(),
    closedAt: timestamptz('closed_at'),
    /** An open flag an editor put aside until this time: out of the queue until then. */
    snoozedUntil: timestamptz('snoozed_until'),
  },
  (t) => [
    uniqueIndex('flags_one_open_per_event_idx').on(t.eventId).where(sql`${t.status} = 'open'`),
    index('flags_event_idx').on(t.eventId),
  ],
);

/** Each source behind a flag, in the state that raised it. */
export const flagSources = pgTable(
  'flag_sources',
  {
    id: serial('id').primaryKey(),
    flagId: integer('flag_id')
      .notNull()
      .references(() => flags.id),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id),
    state: text('state').$type<SourceState>().notNull(),
    reason: text('reason'),
    changeId: integer('change_id').references(() => changes.id),
    /** Whether the changed passages touch what the event claims, and which terms. */
    touchesClaim: jsonb('touches_claim').$type<{ touches: boolean; terms: string[] }>(),
    /** Episode of the state that raised it, so re-checks of the same vanish never raise it again. */
    sinceCaptureId: bigint('since_capture_id', { mode: 'number' }).references(() => captures.id),
    addedAt: timestamptz('added_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('flag_sources_flag_source_state_idx').on(t.flagId, t.sourceId, t.state, t.changeId)],
);

/** An editor's decision on a flag: who, when, what and why. The audit log: rows are never changed. */
export const reviews = pgTable(
  'reviews',
  {
    id: serial('id').primaryKey(),
    flagId: integer('flag_id')
      .notNull()
      .references(() => flags.id),
    /** resolve, dismiss, reopen, reverify, replace or snooze. */
    action: text('action').notNull(),
    reviewer: text('reviewer').notNull(),
    note: text('note'),
    at: timestamptz('at').notNull().defaultNow(),
    /** The signed-in account, when the decision came from the web app. */
    userId: integer('user_id'),
    eventId: text('event_id'),
    /** The source the decision is about, when it is about one. */
    sourceId: integer('source_id'),
    /** The captures it refers to (the re-verified capture, the last good one, ...). */
    captureIds: jsonb('capture_ids').$type<number[]>().notNull().default([]),
    /** What else the decision carries: the replacement URL, the snooze date. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('reviews_flag_idx').on(t.flagId), index('reviews_event_idx').on(t.eventId)],
);
