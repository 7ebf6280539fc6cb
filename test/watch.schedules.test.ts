import { describe, expect, it } from 'vitest';
import type { JobRun } from '../src/watch/jobRuns.js';
import { listJobs } from '../src/watch/jobList.js';
import { nextRunOf, resolveSchedules } from '../src/watch/schedules.js';

const JOBS = [
  { name: 'crawl', description: 'c', defaultSchedule: '*/15 * * * *' },
  { name: 'ingest', description: 'i', defaultSchedule: '7 * * * *' },
];

type Case = {
  name: string;
  config: { jobSchedules: Record<string, string>; crawlSchedule: string };
  flags: Record<string, string>;
  crawl: string[];
  ingest: string[];
};

describe('job schedules', () => {
  const cases: Case[] = [
    {
      name: 'defaults',
      config: { jobSchedules: {}, crawlSchedule: '*/15 * * * *' },
      flags: {},
      crawl: ['*/15 * * * *', 'default'],
      ingest: ['7 * * * *', 'default'],
    },
    {
      name: 'the older crawlSchedule still sets crawl',
      config: { jobSchedules: {}, crawlSchedule: '0 * * * *' },
      flags: {},
      crawl: ['0 * * * *', 'crawlSchedule'],
      ingest: ['7 * * * *', 'default'],
    },
    {
      name: 'jobSchedules wins over crawlSchedule',
      config: { jobSchedules: { crawl: '5 * * * *', ingest: '*/5 * * * *' }, crawlSchedule: '0 * * * *' },
      flags: {},
      crawl: ['5 * * * *', 'jobSchedules'],
      ingest: ['*/5 * * * *', 'jobSchedules'],
    },
    {
      name: 'a flag wins over all',
      config: { jobSchedules: { crawl: '5 * * * *' }, crawlSchedule: '0 * * * *' },
      flags: { crawl: '* * * * * *' },
      crawl: ['* * * * * *', 'flag'],
      ingest: ['7 * * * *', 'default'],
    },
  ];
  it.each(cases)('$name', ({ config, flags, crawl, ingest }) => {
    const resolved = resolveSchedules(JOBS, config, flags);
    expect([resolved.get('crawl')!.cron, resolved.get('crawl')!.from]).toEqual(crawl);
    expect([resolved.get('ingest')!.cron, resolved.get('ingest')!.from]).toEqual(ingest);
  });

  it('names a bad expression by its key, and a schedule for no job', () => {
    expect(() => resolveSchedules(JOBS, { jobSchedules: { ingest: 'hourly' }, crawlSchedule: '*/15 * * * *' })).toThrow(
      /^jobSchedules\.ingest: "hourly" is not a cron expression/,
    );
    expect(() => resolveSchedules(JOBS, { jobSchedules: {}, crawlSchedule: 'often' })).toThrow(/^crawlSchedule: "often"/);
    expect(() => resolveSchedules(JOBS, { jobSchedules: { crawler: '* * * * *' }, crawlSchedule: '*/15 * * * *' })).toThrow(
      'config key jobSchedules names no job: crawler (jobs: crawl, ingest)',
    );
  });

  it('computes the next run from the expression', () => {
    const next = nextRunOf('0 3 * * *')!;
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(86_400_000);
    expect([next.getHours(), next.getMinutes(), next.getSeconds()]).toEqual([3, 0, 0]);
  });
});

describe('the jobs listing', () => {
  const run = (over: Partial<JobRun>): JobRun => ({
    id: 1,
    job: 'crawl',
    trigger: 'schedule',
    startedAt: new Date('2026-06-01T10:00:00Z'),
    finishedAt: new Date('2026-06-01T10:00:02.500Z'),
    result: 'ok',
    detail: {},
    workerId: 'h:1',
    ...over,
  });
  const schedules = resolveSchedules(JOBS, { jobSchedules: {}, crawlSchedule: '*/15 * * * *' });
  const next = () => new Date('2026-06-01T10:15:00Z');

  it.each([
    { name: 'never run', latest: {}, lastRun: null, skippedAt: null },
    { name: 'ran ok', latest: { last: run({}) }, lastRun: { result: 'ok', durationMs: 2500, trigger: 'schedule' }, skippedAt: null },
    {
      name: 'still running: no duration',
      latest: { last: run({ result: 'running', finishedAt: null }) },
      lastRun: { result: 'running', durationMs: null },
      skippedAt: null,
    },
    {
      name: 'failed: says why',
      latest: { last: run({ result: 'failed', detail: { error: 'boom' } }) },
      lastRun: { result: 'failed', error: 'boom' },
      skippedAt: null,
    },
    {
      name: 'a tick skipped since the last run started',
      latest: { last: run({}), lastSkipped: run({ id: 2, result: 'skipped', startedAt: new Date('2026-06-01T10:00:01Z') }) },
      lastRun: { result: 'ok' },
      skippedAt: '2026-06-01T10:00:01.000Z',
    },
    {
      name: 'a skip before the last run is old news',
      latest: { last: run({}), lastSkipped: run({ id: 2, result: 'skipped', startedAt: new Date('2026-06-01T09:00:00Z') }) },
      lastRun: { result: 'ok' },
      skippedAt: null,
    },
  ])('$name', ({ latest, lastRun, skippedAt }) => {
    const [crawl] = listJobs(JOBS, schedules, new Map([['crawl', { last: null, lastSkipped: null, ...latest }]]), next);
    expect(crawl).toMatchObject({ name: 'crawl', schedule: '*/15 * * * *', nextRun: '2026-06-01T10:15:00.000Z', skippedAt });
    if (lastRun === null) expect(crawl.lastRun).toBeNull();
    else expect(crawl.lastRun).toMatchObject(lastRun);
  });
});
