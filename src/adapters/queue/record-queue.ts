// BullMQ adapter: record wake-ups as delayed jobs with deterministic ids, the worker that runs them, and the repeating jobs' schedules.
import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { ConnectionOptions, Job } from 'bullmq';
import { z } from 'zod';
import type { JobStanding, RecordRef, RecordScheduler, RescueScheduler } from '../../app/ports.ts';
import { OBJECT_TYPES } from '../../core/types.ts';
import { formatProblem } from '../../core/problems.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';
import type { ErrorEvents } from '../logging/error-events.ts';
import { queuePrefix } from '../redis/keys.ts';

export const RECORD_QUEUE = 'outcome-records';

/** Job payloads outlive deploys: versioned and checked before use. */
const recordJobSchema = z.strictObject({
  v: z.literal(1),
  portalId: z.number().int(),
  objectType: z.enum(OBJECT_TYPES),
  recordId: z.string().regex(/^\d+$/),
  at: z.number(),
  /** Set on the sweeper's rescue jobs: they never re-delay themselves (the record's own job does). */
  rescue: z.literal(true).optional(),
});
type RecordJob = z.infer<typeof recordJobSchema>;

/** One job per (record, event time): a second wake for the same time is the same job, so it is a no-op. */
export const recordJobId = (r: RecordRef, at: number): string => `r_${r.portalId}_${r.objectType}_${r.recordId}_${at}`;

export interface QueueSettings {
  readonly connection: ConnectionOptions;
  /** The deployment's REDIS_PREFIX: BullMQ's keys go under its hash tag (queuePrefix), so a test or a second deployment never sees another's jobs. */
  readonly prefix: string;
  readonly holdMs: number;
  readonly clock: () => number;
  /** Where the queue's and worker's `error` events go: without a listener BullMQ prints each as a raw stack. */
  readonly errors?: ErrorEvents;
}

const JOB_OPTIONS = {
  removeOnComplete: true,
  removeOnFail: { age: 7 * 24 * 3600 },
  attempts: 10,
  backoff: { type: 'exponential', delay: 500 },
} as const;

export function createRecordQueue(s: QueueSettings): Queue {
  const queue = new Queue(RECORD_QUEUE, { connection: s.connection, prefix: queuePrefix(s.prefix), defaultJobOptions: JOB_OPTIONS });
  s.errors?.watch(queue, 'queue');
  return queue;
}

export function createRecordScheduler(queue: Queue, s: Pick<QueueSettings, 'holdMs' | 'clock'>): RecordScheduler & RescueScheduler {
  const dataOf = (record: RecordRef, at: number): RecordJob => ({ v: 1, portalId: record.portalId, objectType: record.objectType, recordId: record.recordId, at });
  // Delayed jobs fire by this clock; the worker re-checks and re-delays one that fires early.
  const jobOf = (record: RecordRef, at: number) => ({ name: 'record', data: dataOf(record, at), opts: { jobId: recordJobId(record, at), delay: Math.max(0, at + s.holdMs - s.clock()) } });
  return {
    jobStanding: async (record, at) => standingOf(await queue.getJobState(recordJobId(record, at))),
    async rescue(items, slot) {
      if (items.length === 0) return;
      await queue.addBulk(
        items.map(({ record, at }) => ({
          name: 'record',
          data: { ...dataOf(record, at), rescue: true } satisfies RecordJob,
          opts: { jobId: `${recordJobId(record, at)}_rescue${slot}` },
        })),
      );
    },
    async wake(record, at) {
      const j = jobOf(record, at);
      await queue.add(j.name, j.data, j.opts);
    },
    async wakeMany(items) {
      if (items.length > 0) await queue.addBulk(items.map(({ record, at }) => jobOf(record, at)));
    },
  };
}

/** BullMQ's job states as the sweeper sees them: a job waiting in any form is queued, and will run. */
function standingOf(state: string): JobStanding {
  if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') return 'queued';
  if (state === 'active') return 'running';
  if (state === 'failed') return 'failed';
  // 'completed' and 'unknown': done (completed jobs are removed), or never there.
  return 'gone';
}

export interface WorkerHandlers {
  /** Returns `retryInMs` when the record must wait (for a CRM read): the job re-delays itself. */
  readonly process: (record: RecordRef) => Promise<{ readonly retryInMs: number } | undefined>;
  /** The sweeper's run (src/app/sweep.ts); its result is kept as the job's return value. */
  readonly sweep: () => Promise<unknown>;
  /** Drains the write-back outbox to HubSpot; absent without an access token. */
  readonly writeback?: () => Promise<unknown>;
  /** Answers queued CRM read requests; absent without an access token. */
  readonly crmRead?: () => Promise<unknown>;
  /** Re-checks budget alerts a dead worker left unchecked and delivers the alerts that are due. */
  readonly alerts?: () => Promise<unknown>;
}

/** Repeating jobs that drain work to and from HubSpot; any worker may run them, the drains lock themselves. */
export const WRITEBACK_JOB = 'writeback';
export const CRM_READ_JOB = 'crm-read';
export const ALERTS_JOB = 'alerts';

/**
 * The worker runs these jobs: `record` (bring a record up to the watermark), `sweep` (a repeating
 * safety net that wakes every record whose signals or timers are due but has no job, e.g. after a
 * crash between storing signals and adding their job), and the repeating HubSpot drains `writeback`
 * and `crm-read` (a worker without their handlers lets them pass: nothing is written or read), and
 * the repeating `alerts` (budget alerts: checks a dead worker left, deliveries that are due).
 */
export function createRecordWorker(s: QueueSettings & { concurrency: number; lockDurationMs?: number }, h: WorkerHandlers): Worker {
  const worker = new Worker(
    RECORD_QUEUE,
    async (job: Job, token?: string) => {
      if (job.name === 'sweep') return h.sweep();
      if (job.name === ALERTS_JOB) return h.alerts ? h.alerts() : null;
      if (job.name === WRITEBACK_JOB || job.name === CRM_READ_JOB) {
        const drain = job.name === WRITEBACK_JOB ? h.writeback : h.crmRead;
        if (drain === undefined) return { skipped: 'no HubSpot access token' };
        await drain();
        return null;
      }
      const data = recordJobData(job);
      const dueAt = data.at + s.holdMs;
      if (s.clock() < dueAt) {
        await job.moveToDelayed(dueAt, token);
        throw new DelayedError();
      }
      const wait = await h.process({ portalId: data.portalId, objectType: data.objectType, recordId: data.recordId });
      // A rescue job that finds the record waiting for a CRM read leaves the waiting to the record's own job.
      if (wait && !data.rescue) {
        await job.moveToDelayed(s.clock() + wait.retryInMs, token);
        throw new DelayedError();
      }
      return null;
    },
    {
      connection: s.connection,
      prefix: queuePrefix(s.prefix),
      concurrency: s.concurrency,
      // A dead worker's job is handed over after its lock expires and the next stalled check runs.
      ...(s.lockDurationMs ? { lockDuration: s.lockDurationMs, stalledInterval: s.lockDurationMs } : {}),
    },
  );
  s.errors?.watch(worker, 'worker');
  return worker;
}

/** A payload that does not parse will never parse: the job fails at once instead of retrying. */
function recordJobData(job: Job): RecordJob {
  const parsed = recordJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`record job ${job.id ?? '?'} has an invalid payload: ${problemsFromZod(parsed.error, { wording: 'schema' }).map((p) => formatProblem(p)).join('; ')}`);
  return parsed.data;
}

export async function scheduleSweeper(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler('sweep', { every: everyMs }, { name: 'sweep', data: { v: 1 }, opts: { removeOnComplete: true, removeOnFail: 100 } });
}

/** The budget alerts' safety net and delivery queue, on repeat: any worker may run it, deliveries are leased. */
export async function scheduleAlerts(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(ALERTS_JOB, { every: everyMs }, { name: ALERTS_JOB, data: { v: 1 }, opts: { removeOnComplete: true, removeOnFail: 100 } });
}

export interface HubSpotDrainSchedule {
  readonly writebackEveryMs: number;
  readonly crmReadEveryMs: number;
}

/**
 * Puts the HubSpot drains on repeat, or takes them off with `null` (no access token), so a deployment
 * that loses its token stops queueing jobs that would do nothing.
 */
export async function scheduleHubSpotDrains(queue: Queue, schedule: HubSpotDrainSchedule | null): Promise<void> {
  if (schedule === null) {
    await queue.removeJobScheduler(WRITEBACK_JOB);
    await queue.removeJobScheduler(CRM_READ_JOB);
    return;
  }
  const opts = { removeOnComplete: true, removeOnFail: 100 };
  await queue.upsertJobScheduler(WRITEBACK_JOB, { every: schedule.writebackEveryMs }, { name: WRITEBACK_JOB, data: { v: 1 }, opts });
  await queue.upsertJobScheduler(CRM_READ_JOB, { every: schedule.crmReadEveryMs }, { name: CRM_READ_JOB, data: { v: 1 }, opts });
}
