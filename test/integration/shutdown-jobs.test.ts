import { JobRunner } from '../../src/jobs/job-runner';
import type { InstanceJob } from '../../src/jobs/job';
import { JobRun } from '../../src/persistence/entities';
import { TEST_DB } from '../support/db';
import { startTestApp, type TestApp } from '../support/test-app';

describe(`a shutdown and the running job (${TEST_DB})`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('a run cut by a shutdown out of time is marked failed, naming why', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let began!: () => void;
    const started = new Promise<void>((r) => (began = r));
    const slow: InstanceJob = {
      name: 'slow-test-job',
      description: 'job.sessions',
      run: async () => {
        began();
        await held;
        return { found: 0, did: 0, summary: {} };
      },
    } as InstanceJob;
    const runner = new JobRunner(t.services, [slow]);
    const running = runner.run('slow-test-job', { via: 'cli', slotKey: 'slow-test-job:2026-11-02T01:00:00.000Z' });
    await started;
    expect(runner.running.map((r) => r.job)).toEqual(['slow-test-job']);
    const stopped = runner.stop();
    const cut = await runner.interrupt('interrupted: the instance shut down (SIGTERM) before the run ended');
    expect(cut).toEqual([{ runId: expect.any(Number), job: 'slow-test-job' }]);
    const row = await t.services.db.manager.findOneByOrFail(JobRun, { id: cut[0].runId });
    expect(row).toMatchObject({ status: 'failed', error: expect.stringContaining('interrupted') });
    expect(row.finishedAt).not.toBeNull();
    release();
    await running;
    await stopped;
    expect(runner.running).toEqual([]);
  });
});
