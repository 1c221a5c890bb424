import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { settledWithin } from '../settled-within.ts';
import { createQueueConnection, queuePrefix } from './connection.ts';
import { JOBS, jobId, jobOptions, type JobRegistry, type QueueName } from './registry.ts';

export interface EnqueueOptions {
  /** Makes the job id `<name>@<key>`: the same key never enqueues the same work twice. */
  key: string;
  delayMs?: number;
}

/** How long closing waits for a queue's start on its connection (a reachable Redis answers in milliseconds). */
const START_WAIT_LIMIT_MILLISECONDS = 2_000;
/** How long the starts' failures take to arrive once their connection is dropped. */
const DROPPED_SETTLE_MILLISECONDS = 100;

/** The producer side of the registry: one BullMQ Queue per queue name, created on first use. */
export class JobQueues<Registry extends JobRegistry = typeof JOBS> {
  private readonly queues = new Map<QueueName, Queue>();
  private readonly connection: Redis;

  constructor(
    private readonly config: Pick<Config, 'redis'>,
    private readonly registry: Registry = JOBS as unknown as Registry,
  ) {
    this.connection = createQueueConnection(config);
  }

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: queuePrefix(this.config) });
      this.queues.set(name, queue);
    }
    return queue;
  }

  /** Every queue named in the registry (for dashboards and the workers' scheduling). */
  allQueues(): Queue[] {
    return [...new Set(Object.values(this.registry).map((definition) => definition.queue))].map((name) => this.queue(name));
  }

  /** The queue a job name runs on. */
  definitionQueue(name: string): QueueName {
    return this.definition(name).queue;
  }

  async enqueue<Name extends keyof Registry & string>(name: Name, payload: Static<Registry[Name]['payload']>, options: EnqueueOptions): Promise<Job> {
    const definition = this.definition(name);
    const invalid = Value.Errors(definition.payload, payload).First();
    // A producer sending a payload its own registry refuses is a bug, not bad user input.
    if (invalid) throw new Error(`Job ${name} payload is invalid at ${invalid.path || '/'}: ${invalid.message}`);
    return this.queue(definition.queue).add(name, payload, {
      ...jobOptions(definition),
      jobId: jobId(name, options.key),
      ...(options.delayMs ? { delay: options.delayMs } : {}),
    });
  }

  /**
   * Creates or updates one scheduler per repeatable job (its id is the job name, so every worker process
   * may call this at boot without adding duplicates). Returns the names it scheduled.
   */
  async scheduleRepeatableJobs(): Promise<string[]> {
    const scheduled: string[] = [];
    for (const [name, definition] of Object.entries(this.registry)) {
      if (!definition.repeatEveryMs) continue;
      await this.queue(definition.queue).upsertJobScheduler(name, { every: definition.repeatEveryMs }, { name, data: {}, opts: jobOptions(definition) });
      scheduled.push(name);
    }
    return scheduled;
  }

  /**
   * BullMQ starts each queue on the shared connection (connect, then INFO) and reports a failed start on the
   * queue's connection object, whose listeners the queue's close() removes: a queue closed while it starts
   * (an app stopped right after it booted), its connection then dropped, rejects with nobody listening. So the
   * starts are let finish first; one that does not within the bound (Redis away) is ended by dropping the
   * connection while the queues still listen, and only then are they closed.
   */
  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    const starts = Promise.allSettled(queues.map((queue) => queue.waitUntilReady()));
    if (!(await settledWithin(starts, START_WAIT_LIMIT_MILLISECONDS))) {
      this.connection.disconnect();
      // The dropped connection fails what it had in flight within a few turns of the event loop; a start
      // still waiting for Redis to come back (no command sent) stays pending and fails nobody.
      await settledWithin(starts, DROPPED_SETTLE_MILLISECONDS);
    }
    await Promise.allSettled(queues.map((queue) => queue.close()));
    this.connection.disconnect();
  }

  private definition(name: string) {
    const definition = this.registry[name];
    if (!definition) throw new Error(`No job named ${name} in the queue registry.`);
    return definition;
  }
}
