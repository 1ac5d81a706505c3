import { newAttemptId } from '../../src/engine/engine';

describe('newAttemptId (a run’s id in its history row)', () => {
  it('is 16 base64url characters, and no two of a thousand are alike (past refills of its random bytes)', () => {
    const ids = Array.from({ length: 1000 }, () => newAttemptId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
