import { concat } from './concat';
import { datetime } from './datetime';
import { duration } from './duration';
import { eq } from './eq';
import { idempotencyKey } from './idempotency-key';
import { includes } from './includes';
import { json } from './json';
import { oneOf } from './one-of';
import { planNo } from './plan-no';
import { t } from './t';
import { invalid } from './invalid';
import { errorList } from './error-list';
import { stepErrors } from './step-errors';

/** Every view helper, one file each. */
export const helpers = {
  t,
  concat,
  eq,
  includes,
  oneOf,
  datetime,
  duration,
  json,
  planNo,
  idempotencyKey,
  invalid,
  errorList,
  stepErrors,
};
