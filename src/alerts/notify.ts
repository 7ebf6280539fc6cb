import { defaultWorkerId } from '../crawl/checkSource.js';
import type { Config } from '../config/loadConfig.js';
import type { Db } from '../db/open.js';
import { BACKOFF_FACTOR, BACKOFF_JITTER, retryDelayMs } from './backoff.js';
import { sendAlert } from './deliver.js';
import { claimDue, holdNotifyLiveness, recordAttempt, releaseAlerts, type AlertRow } from './outbox.js';
import type { SendResult } from './send/types.js';

export type NotifyDeps = {
  db: Db;
  config: Config;
  signal?: AbortSignal;
  /** The clock (tests move it to make retries due). */
  now?: () => Date;
  /** Where secrets named in the configuration are read from. */
  env?: NodeJS.ProcessEnv;
  workerId?: string;
  random?: () => number;
};

export type DeliveryOutcome = { alertId: number; channel: string; idempotencyKey: string; durationMs: number; result: SendResult };

export type NotifySummary = { attempted: number; delivered: number; failed: number; failures: { channel: string; error: string }[] };

const BATCH = 20;

/**
 * The notify job: delivers every pending alert that is due, each attempt recorded, each failure
 * scheduled again with back-off; nothing is ever dropped. A channel that fails once in a run is
 * left alone for the rest of it, so a dead receiver costs one timeout per run, not one per alert.
 */
export async function runNotify(deps: NotifyDeps): Promise<NotifySummary> {
  const summary: NotifySummary = { attempted: 0, delivered: 0, failed: 0, failures: [] };
  // No channel configured (the service runs this every 30 s): nothing can be claimed, no lock to take.
  if (deps.config.channels.length === 0) return summary;
  const owner = deps.workerId ?? defaultWorkerId();
  const release = await holdNotifyLiveness(deps.db, owner);
  const failing = new Set<string>();
  try {
    while (!deps.signal?.aborted) {
      // A channel that failed in this run is not claimed again in it (its retries wait for the next run).
      const channels = channelNames(deps).filter((c) => !failing.has(c));
      const batch = await claimDue(deps.db, { owner, now: now(deps), leaseMs: leaseMs(deps.config), limit: BATCH, channels });
      if (batch.length === 0) break;
      const untried: number[] = [];
      for (const alert of batch) {
        if (deps.signal?.aborted || failing.has(alert.channel)) {
          untried.push(alert.id);
          continue;
        }
        const outcome = await deliverOne(deps, alert);
        summary.attempted++;
        if (outcome.result.ok) summary.delivered++;
        else {
          summary.failed++;
          failing.add(alert.channel);
          summary.failures.push({ channel: alert.channel, error: outcome.result.error });
        }
      }
      await releaseAlerts(deps.db, owner, untried);
    }
  } finally {
    await release();
  }
  return summary;
}

/** Delivers alerts by id now, due or not (`citewatch alerts test`): same attempt rows, same back-off. */
export async function deliverNow(deps: NotifyDeps, ids: number[]): Promise<DeliveryOutcome[]> {
  const owner = deps.workerId ?? defaultWorkerId();
  const release = await holdNotifyLiveness(deps.db, owner);
  try {
    const claimed = await claimDue(deps.db, {
      owner,
      now: now(deps),
      leaseMs: leaseMs(deps.config),
      limit: ids.length,
      channels: channelNames(deps),
      ids,
    });
    const outcomes: DeliveryOutcome[] = [];
    for (const alert of claimed) outcomes.push(await deliverOne(deps, alert));
    return outcomes;
  } finally {
    await release();
  }
}

async function deliverOne(deps: NotifyDeps, alert: AlertRow): Promise<DeliveryOutcome> {
  const at = now(deps);
  const started = performance.now();
  const result = await sendAlert(
    { db: deps.db, config: deps.config, env: deps.env ?? process.env, signal: deps.signal ?? new AbortController().signal },
    alert,
  );
  const durationMs = Math.round(performance.now() - started);
  const channel = deps.config.channels.find((c) => c.name === alert.channel);
  const nextAttemptAt = result.ok
    ? null
    : new Date(
        at.getTime() +
          retryDelayMs(
            alert.attempts + 1,
            result.failure,
            {
              baseMs: channel?.retryBaseMs ?? 30_000,
              capMs: channel?.retryMaxMs ?? 6 * 3_600_000,
              factor: BACKOFF_FACTOR,
              jitter: BACKOFF_JITTER,
            },
            (deps.random ?? Math.random)(),
          ),
      );
  await recordAttempt(deps.db, alert, { at, durationMs, result, nextAttemptAt });
  return { alertId: alert.id, channel: alert.channel, idempotencyKey: alert.idempotencyKey, durationMs, result };
}

function channelNames(deps: NotifyDeps): string[] {
  return deps.config.channels.map((c) => c.name);
}

function now(deps: NotifyDeps): Date {
  return deps.now?.() ?? new Date();
}

/** Long enough for a whole batch to time out one by one, so a slow but live worker keeps its alerts. */
function leaseMs(config: Config): number {
  const slowest = Math.max(10_000, ...config.channels.map((c) => c.timeoutMs));
  return Math.max(60_000, BATCH * (slowest + 5_000));
}
