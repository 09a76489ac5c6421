/**
 * Typed errors thrown by services. Each has a stable `code` for API clients and a message a person can act on.
 * The error middleware (server/web/error-handler.ts) maps them to status codes.
 */
export type FieldErrors = Readonly<Record<string, string>>;

export abstract class AppError extends Error {
  abstract readonly status: number;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  constructor(
    message: string,
    readonly fields: FieldErrors = {},
    code = 'VALIDATION_FAILED',
  ) {
    super(code, message);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  constructor(message = 'Please sign in to continue.', code = 'UNAUTHENTICATED') {
    super(code, message);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(message = 'Your role does not allow this. Ask an admin if you need access.', code = 'FORBIDDEN') {
    super(code, message);
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  constructor(message = 'We could not find that page.', code = 'NOT_FOUND') {
    super(code, message);
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  constructor(message: string, code = 'CONFLICT') {
    super(code, message);
  }
}

/**
 * MongoDB's duplicate key error (E11000), as raised by a unique index, from a single write or a bulk
 * write where every failed document hit a unique index (so the rest went in). Works the same on every
 * engine we run; the one test for it everywhere.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; writeErrors?: { code?: number; err?: { code?: number } }[] };
  const bulk = Array.isArray(e.writeErrors) ? e.writeErrors : undefined;
  if (bulk && bulk.length > 0) return bulk.every((w) => (w.code ?? w.err?.code) === 11000);
  return e.code === 11000;
}

/** Any other status with a stable code (415, 429, ...), for the few places no typed error fits. */
export class HttpError extends AppError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}
