import { ConfigError, loadConfig } from '../../config';
import { planBody } from '../support/factories';
import { startTestApp, type TestApp } from '../support/test-app';

/** Issue 11, finding 6: the years a date may lie in are a setting, read when the app is built (one app per process). */

describe('the range is a setting (validation.minYear, validation.maxYear)', () => {
  let narrow: TestApp;
  beforeAll(async () => {
    narrow = await startTestApp({ config: { validation: { minYear: 2020, maxYear: 2030 } } });
  });
  afterAll(async () => {
    await narrow.close();
  });

  it('a plan for 2031 is refused, one for 2030 is taken', async () => {
    const far = await narrow
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(narrow.clock.now(), { plannedStart: '2031-01-01T09:00:00+08:00' }));
    expect(far.status).toBe(400);
    expect(far.body.error.fields.plannedStart).toContain('2020');
    await narrow
      .as('waitan.leader')
      .post('/api/v1/operations', planBody(narrow.clock.now(), { plannedStart: '2030-12-31T09:00:00+08:00' }))
      .expect(201);
  });
});

describe('the setting is checked at start', () => {
  it('a first year after the last is refused, naming the key', () => {
    expect(() => loadConfig({}, { env: 'test', validation: { minYear: 2100, maxYear: 2000 } })).toThrow(ConfigError);
    expect(() => loadConfig({}, { env: 'test', validation: { minYear: 2100, maxYear: 2000 } })).toThrow(
      /validation\.minYear/,
    );
  });

  it('the defaults are 2000–2100', () => {
    expect(loadConfig({}, { env: 'test' }).validation).toEqual({ minYear: 2000, maxYear: 2100 });
  });
});
