import { ConfigError, loadConfig } from '../../config';

describe('configuration', () => {
  it('defaults to the embedded database and the practice’s numbers', () => {
    const c = loadConfig({});
    expect(c.database.url).toBe('sqlite:data/liandong.sqlite');
    expect(c.operations.minHours).toBe(4);
    expect(c.organisation).toEqual({ groupMinSquads: 3, groupMaxSquads: 4 });
  });

  it('environment variables override the defaults', () => {
    const c = loadConfig({ DATABASE_URL: 'mysql://u:p@db:3306/liandong', PORT: '8080', SEED_DEMO: 'no' });
    expect(c.database.url).toBe('mysql://u:p@db:3306/liandong');
    expect(c.http.port).toBe(8080);
    expect(c.demo.seedOnEmpty).toBe(false);
  });

  it('is frozen, all the way down', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.operations)).toBe(true);
    expect(() => {
      (c.operations as { minHours: number }).minHours = 3;
    }).toThrow();
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT=eighty: must be a whole number/],
    [{ PORT: '70000' }, /http\.port \(set by PORT\)/],
    [{ DATABASE_URL: 'postgres://x/y' }, /database\.url \(set by DATABASE_URL\): must be sqlite:<file> or mysql:/],
    [{ SEED_DEMO: 'maybe' }, /SEED_DEMO=maybe/],
    [{ NODE_ENV: 'staging' }, /env \(set by NODE_ENV\)/],
  ])('a bad value stops start-up with a message naming the key: %p', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('bounds that contradict each other are refused', () => {
    expect(() => loadConfig({}, { organisation: { groupMinSquads: 5, groupMaxSquads: 4 } })).toThrow(/groupMinSquads/);
    expect(() => loadConfig({}, { operations: { holdingDaysMin: 10, holdingDaysMax: 5 } })).toThrow(/holdingDaysMin/);
  });
});
