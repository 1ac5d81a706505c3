import type { Problem } from '../workflows/shared/problem';

/**
 * The few errors the application answers with. Each has an HTTP status and a
 * stable code; one middleware renders them (JSON for the API, a page or the
 * same form for the web). Anything else is a 500.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Bad fields → message keys or texts; rendered in the user's language. */
  readonly fields: Record<string, string>;
  readonly problems: Problem[];

  constructor(message: string, opts: { fields?: Record<string, string>; problems?: Problem[] } = {}) {
    super(message);
    this.name = new.target.name;
    this.fields = opts.fields ?? {};
    this.problems = opts.problems ?? [];
  }
}

/** 400: malformed or invalid input; every bad field is named. */
export class ValidationError extends AppError {
  readonly status = 400;
  readonly code: string;
  constructor(message: string, fields: Record<string, string> = {}, code = 'invalid_input') {
    super(message, { fields });
    this.code = code;
  }
}

/** 401: no or bad credentials. */
export class AuthenticationError extends AppError {
  readonly status = 401;
  readonly code = 'unauthenticated';
}

/** 403: this caller may not do this (role, scope). `reason` says which rule of who-may-do-what. */
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code = 'forbidden';
  constructor(
    message: string,
    readonly reason: string = 'forbidden',
  ) {
    super(message);
  }
}

/** 404: no such thing (or not in the caller's brigade, which is the same to them). */
export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
}

/** 409: someone else changed the record since the caller read it. */
export class StaleVersionError extends AppError {
  readonly status = 409;
  readonly code = 'stale_version';
  constructor(
    message: string,
    readonly currentVersion: number,
    readonly currentState: string,
  ) {
    super(message);
  }
}

/** 409: the record's state does not take this event at all. */
export class EventNotAcceptedError extends AppError {
  readonly status = 409;
  readonly code = 'event_not_accepted';
  constructor(
    message: string,
    readonly event: string,
    readonly currentState: string,
  ) {
    super(message);
  }
}

/** 422: the state takes the event, but a rule of the practice refuses it (a failed guard); the rule is named. */
export class RuleViolationError extends AppError {
  readonly status = 422;
  readonly code = 'rule_violation';
  constructor(message: string, problems: Problem[]) {
    super(message, {
      problems,
      fields: Object.fromEntries(problems.flatMap((p) => (p.field ? [[p.field, p.code] as const] : []))),
    });
  }
}

/** 409: a unique thing already exists (a username, a code). */
export class ConflictError extends AppError {
  readonly status = 409;
  readonly code: string;
  constructor(message: string, code = 'conflict', fields: Record<string, string> = {}) {
    super(message, { fields });
    this.code = code;
  }
}

/** 500: a stored snapshot the current machine cannot restore. */
export class SnapshotError extends AppError {
  readonly status = 500;
  readonly code = 'snapshot_unreadable';
}

/** 409 (issue 13): a request with this Idempotency-Key is still running; `retryAfterSeconds` says when to try again. */
export class IdempotencyKeyInUseError extends AppError {
  readonly status = 409;
  readonly code = 'idempotency_key_in_use';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, { fields: { 'Idempotency-Key': 'idempotency_key_in_use' } });
  }
}

/** 422 (issue 13): the Idempotency-Key was used for another request (another body, path or method). */
export class IdempotencyKeyReusedError extends AppError {
  readonly status = 422;
  readonly code = 'idempotency_key_reused';
  constructor(message: string) {
    super(message, { fields: { 'Idempotency-Key': 'idempotency_key_reused' } });
  }
}

/** 413: a body (an evidence file) larger than the settings allow (`files.maxBytes`). */
export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
}

/** 415: content of a kind not taken (an evidence file that is no photo or PDF, judged from its bytes). */
export class UnsupportedFileTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_file_type';
}

/**
 * 409: the command met concurrent writes (a deadlock, or on a Galera cluster a
 * certification conflict at commit) every time it was run again from the start.
 * Nothing of it was written: read the record again and retry.
 */
export class WriteConflictError extends AppError {
  readonly status = 409;
  readonly code = 'write_conflict';
}

/**
 * 409: the connection to the database was lost while COMMIT was on its way, so
 * whether the command was written is unknown (on a Galera cluster its write set
 * may have reached the other nodes). It is not run blindly again — a second run
 * of a step could be a second step: read the record again (its history shows
 * whether the step is there) before sending it again.
 */
export class CommitOutcomeUnknownError extends AppError {
  readonly status = 409;
  readonly code = 'commit_outcome_unknown';
}

/**
 * 503: no database server answered, however often the command was tried on the
 * next one (every node of the cluster down, or the one server). Nothing was
 * written; try again shortly (Retry-After).
 */
export class DatabaseUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'database_unavailable';
  readonly retryAfterSeconds = 5;
}
