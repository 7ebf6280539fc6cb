import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { flags } from './review.js';
import { events } from './timeline.js';
import { timestamptz } from './types.js';

/** One run of a scheduled job (`citewatch jobs`): what ran, when, how long, and how it ended. */
export const jobRuns = pgTable(
  'job_runs',
  {
    id: serial('id').primaryKey(),
    job: text('job').notNull(),
    /** 'schedule' for a cron tick, 'manual' for `citewatch jobs run`. */
    trigger: text('trigger').notNull(),
    startedAt: timestamptz('started_at').notNull().defaultNow(),
    finishedAt: timestamptz('finished_at'),
    /** running, ok, failed or skipped (a tick that came while the previous run was still going). */
    result: text('result').notNull().default('running'),
    /** The job's own summary (counts) or the error message. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    workerId: text('worker_id'),
  },
  (t) => [index('job_runs_job_time_idx').on(t.job, t.startedAt)],
);

/**
 * The outbox: one row per alert and channel, written in the transaction that opens (or adds to) the
 * flag it tells of, so an alert is never lost; the notify job delivers it and marks it delivered.
 * A digest is a row of its own (kind 'digest', no flag) listing the alerts it groups.
 */
export const alerts = pgTable(
  'alerts',
  {
    id: serial('id').primaryKey(),
    /** The channel's name in configuration. */
    channel: text('channel').notNull(),
    /** flag (a flag opened or a source added to it), digest, or test. */
    kind: text('kind').notNull(),
    flagId: integer('flag_id').references(() => flags.id),
    eventId: text('event_id').references(() => events.id),
    /** Sent to the receiver (webhook header, Message-ID) so it can drop the rare duplicate. */
    idempotencyKey: text('idempotency_key').notNull(),
    /** What the alert says, fixed when it is written (versioned: payload.version). */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** pending until delivered; 'held' alerts wait for their channel's digest. */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    deliveredAt: timestamptz('delivered_at'),
    lastError: text('last_error'),
    /** For a held alert, the digest that carried it. */
    digestId: integer('digest_id'),
    /** A notify worker claims a batch so two workers never send the same alert at once. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamptz('lease_expires_at'),
  },
  (t) => [
    uniqueIndex('alerts_channel_key_idx').on(t.channel, t.idempotencyKey),
    index('alerts_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('alerts_flag_idx').on(t.flagId),
  ],
);

/** Each attempt to deliver an alert: the receiver's answer or the error, and how long it took. */
export const alertAttempts = pgTable(
  'alert_attempts',
  {
    id: serial('id').primaryKey(),
    alertId: integer('alert_id')
      .notNull()
      .references(() => alerts.id),
    at: timestamptz('at').notNull().defaultNow(),
    durationMs: integer('duration_ms').notNull(),
    ok: boolean('ok').notNull(),
    /** HTTP status for webhooks, SMTP reply code for mail. */
    status: integer('status'),
    error: text('error'),
  },
  (t) => [index('alert_attempts_alert_idx').on(t.alertId)],
);

/** Where a channel's digests stand: the last one sent covers everything up to its time. */
export const channelCursors = pgTable('channel_cursors', {
  channel: text('channel').primaryKey(),
  lastDigestAt: timestamptz('last_digest_at'),
  lastDigestAlertId: bigint('last_digest_alert_id', { mode: 'number' }),
});
