import supertest from 'supertest';
import { contractProblem, type SeenResponse } from './openapi-contract';

/**
 * Jest setup of the sqlite and mariadb projects: every supertest answer of
 * `/api/v1/*` is checked against the OpenAPI document, and a mismatch fails the
 * request (and so the test) naming the path, status and schema error.
 */

type AssertFn = (err: Error | null, res: unknown) => void;
type Assert = (
  this: { method: string; url: string },
  resError: Error | null,
  res: SeenResponse | undefined,
  fn: AssertFn,
) => void;

const proto = supertest.Test.prototype as unknown as { assert: Assert; contractChecked?: boolean };
if (!proto.contractChecked) {
  const original = proto.assert;
  proto.contractChecked = true;
  proto.assert = function (resError, res, fn) {
    original.call(this, resError, res, (err, r) => {
      const problem = !err && res ? contractProblem(this.method, this.url, res) : null;
      fn(problem ? new Error(`OpenAPI contract: ${problem}`) : err, r);
    });
  };
}
