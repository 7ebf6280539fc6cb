import { runNotify, type NotifyDeps, type NotifySummary } from '../src/alerts/notify.js';
import type { Job } from '../src/watch/scheduler.js';

/**
 * The notify job: delivers the alerts waiting in the outbox (webhook, e-mail, Atom), records each
 * attempt, and schedules failures again with back-off. Alerts are written with their flags, so a
 * skipped or failed run only delays them; two workers never send the same alert at once (leases).
 */
export const notifyJob: Job<NotifyDeps, NotifySummary> = {
  name: 'notify',
  description: 'deliver pending alerts to their channels, retrying failures with back-off',
  defaultSchedule: '*/30 * * * * *',
  run: (deps) => runNotify(deps),
  summarize: (s) =>
    `${s.delivered} alert(s) delivered, ${s.failed} failed attempt(s)` +
    (s.failures.length ? ` (${[...new Set(s.failures.map((f) => `${f.channel}: ${f.error}`))].slice(0, 3).join('; ')})` : ''),
};
