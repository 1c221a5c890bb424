import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../db/src/ids.ts';
import { startJobWorkers, type JobWorkers } from '../../../workers/src/job-workers.ts';
import { processors } from '../../../workers/src/processors/index.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';
import { createOperator } from '../helpers/shoppers.ts';
import { createMerchantWithStaff } from '../helpers/staff.ts';

/** Operations (issue #8 item 9): bull-board at /admin/queues for the operator only, and the queues on /metrics. */
let testApp: TestApp;

beforeAll(async () => {
  testApp = await buildTestApp();
});
afterAll(() => testApp?.close());

async function openDashboard(headers: Record<string, string>) {
  return testApp.app.inject({ method: 'POST', url: '/api/admin/operator/queue-dashboard/session', headers });
}

function cookieOf(setCookie: string | string[] | undefined): string {
  const value = [setCookie].flat()[0] as string;
  return value.split(';')[0] as string;
}

describe('bull-board at /admin/queues', () => {
  it('answers 401 without the dashboard cookie, also to a bearer token, and to a made-up cookie', async () => {
    const operator = await createOperator(testApp.app);
    for (const headers of [{}, operator.headers, { cookie: 'minishop_queue_dashboard=made-up-token' }]) {
      for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
        const response = await testApp.app.inject({ method: 'GET', url, headers });
        expect(response.statusCode).toBe(401);
        expect(response.body).not.toContain('Minishop jobs');
      }
    }
  });

  it('issues a short-lived HttpOnly SameSite=Strict cookie scoped to /admin/queues to an operator, with which the board answers 200', async () => {
    const operator = await createOperator(testApp.app);
    const opened = await openDashboard(operator.headers);
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toMatchObject({ url: `${testApp.config.http.publicUrl}/admin/queues`, expiresAt: expect.any(String) });
    const setCookie = opened.headers['set-cookie'] as string;
    expect(setCookie).toMatch(/^minishop_queue_dashboard=[A-Za-z0-9_-]{40,}; Path=\/admin\/queues; Max-Age=900; HttpOnly; SameSite=Strict$/);

    const cookie = cookieOf(setCookie);
    const page = await testApp.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Minishop jobs');
    // The page's scripts load from under the same path (its <base>), so the cookie reaches them too.
    const base = /<base href="([^"]+)"/.exec(page.body)?.[1] as string;
    const script = /<script defer src="(static\/js\/main\.[^"]+\.js)"/.exec(page.body)?.[1] as string;
    const scriptUrl = new URL(script, new URL(base, 'http://minishop.test')).pathname;
    expect(scriptUrl).toMatch(/^\/admin\/queues\/static\/js\/main\./);
    const scriptFile = await testApp.app.inject({ method: 'GET', url: scriptUrl, headers: { cookie } });
    expect(scriptFile.statusCode).toBe(200);
    expect(scriptFile.headers['content-type']).toMatch(/javascript/);
    expect(scriptFile.body.length).toBeGreaterThan(10_000);
    expect((await testApp.app.inject({ method: 'GET', url: scriptUrl })).statusCode).toBe(401);
    const queues = await testApp.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie } });
    expect(queues.statusCode).toBe(200);
    expect(queues.json().queues.map((queue: { name: string }) => queue.name).sort()).toEqual(['maintenance', 'notifications', 'orders', 'webhooks']);
  });

  it("carries the board's actions and their JSON bodies to the queues: pauses one, adds a job to it, resumes it", async () => {
    const operator = await createOperator(testApp.app);
    const cookie = cookieOf((await openDashboard(operator.headers)).headers['set-cookie']);
    const queue = testApp.app.jobQueues.allQueues().find((candidate) => candidate.name === 'maintenance')!;
    const board = (method: 'PUT' | 'POST', url: string, payload?: object) => testApp.app.inject({ method, url: `/admin/queues/api/queues/maintenance/${url}`, headers: { cookie }, payload });

    expect((await board('PUT', 'pause')).statusCode).toBe(200);
    expect(await queue.isPaused()).toBe(true);
    const added = await board('POST', 'add', { name: 'board-probe', data: { marker: 'from the board' }, options: {} });
    expect(added.statusCode).toBe(200);
    const jobId = added.json().job.id as string;
    expect((await queue.getJob(jobId))?.data).toEqual({ marker: 'from the board' });
    await queue.remove(jobId);
    // Without the cookie the action never reaches the queue.
    expect((await testApp.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/maintenance/resume' })).statusCode).toBe(401);
    expect(await queue.isPaused()).toBe(true);
    expect((await board('PUT', 'resume')).statusCode).toBe(200);
    expect(await queue.isPaused()).toBe(false);
  });

  it("refuses the cookie to a merchant's owner, and closes the board to a user who stopped being an operator", async () => {
    const owner = await createMerchantWithStaff(testApp.app, 'owner');
    const refused = await openDashboard(owner.headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['set-cookie']).toBeUndefined();

    const operator = await createOperator(testApp.app);
    const cookie = cookieOf((await openDashboard(operator.headers)).headers['set-cookie']);
    await testApp.database.pool.query('delete from operator where user_id = $1', [operator.userId]);
    expect((await testApp.app.inject({ method: 'GET', url: '/admin/queues', headers: { cookie } })).statusCode).toBe(403);
  });
});

describe('queue metrics on /metrics', () => {
  let workers: JobWorkers;
  afterAll(() => workers?.close());

  function sample(text: string, series: string): number | null {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : null;
  }

  it('shows the depth of every queue by state at scrape time', async () => {
    const before = (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(before).toContain('# TYPE minishop_queue_jobs gauge');
    expect(sample(before, 'minishop_queue_jobs{queue="webhooks",state="delayed"}')).toBe(0);
    await testApp.app.jobQueues.enqueue('webhook.fan_out', { eventId: newId() }, { key: newId(), delayMs: 60_000 });
    await testApp.app.jobQueues.enqueue('webhook.fan_out', { eventId: newId() }, { key: newId(), delayMs: 60_000 });
    const after = (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(sample(after, 'minishop_queue_jobs{queue="webhooks",state="delayed"}')).toBe(2);
    expect(sample(after, 'minishop_queue_jobs{queue="orders",state="waiting"}')).toBe(0);
    await testApp.app.jobQueues.queue('webhooks').drain(true);
  });

  it("shows the workers' completed and failed job counts and their durations", async () => {
    workers = await startJobWorkers({ config: testApp.config, services: testApp.app.services, processors, logger: pino({ level: 'silent' }), scheduleRepeatableJobs: false });
    await testApp.app.jobQueues.enqueue('webhook.sweep_due', {}, { key: 'metrics-test' });
    // A refund that does not exist: a permanent failure, failed at once.
    await testApp.app.jobQueues.enqueue('order.card_refund', { refundId: newId() }, { key: 'metrics-test' });
    const deadline = Date.now() + 10_000;
    let text = '';
    while (Date.now() < deadline) {
      text = (await testApp.app.inject({ method: 'GET', url: '/metrics' })).body;
      if (sample(text, 'minishop_jobs_failed_total{queue="orders",job="order.card_refund"}') === 1 && sample(text, 'minishop_jobs_completed_total{queue="webhooks",job="webhook.sweep_due"}') === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sample(text, 'minishop_jobs_completed_total{queue="webhooks",job="webhook.sweep_due"}')).toBe(1);
    expect(sample(text, 'minishop_jobs_failed_total{queue="orders",job="order.card_refund"}')).toBe(1);
    expect(text).toContain('# TYPE minishop_job_processing_seconds histogram');
    expect(sample(text, 'minishop_job_processing_seconds_count{queue="webhooks",job="webhook.sweep_due"}')).toBe(1);
    expect(sample(text, 'minishop_job_processing_seconds_bucket{queue="webhooks",job="webhook.sweep_due",le="+Inf"}')).toBe(1);
    expect(sample(text, 'minishop_job_wait_seconds_count{queue="orders",job="order.card_refund"}')).toBe(1);
    expect(sample(text, 'minishop_queue_jobs{queue="orders",state="failed"}')).toBe(1);
  });
});
