import type { NextFunction, Request, Response } from 'express';

import type { Clock } from '../lib/clock.js';
import { ForbiddenError, UnauthorizedError } from '../lib/errors.js';
import { roleAtLeast, type Role } from '../vocabulary/roles.js';

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
  }
}

/**
 * Loads the signed-in user for every request. A session past its absolute lifetime, or whose user was
 * disabled or deleted, is destroyed: the person has to sign in again.
 */
export function loadUser(deps: {
  findActiveUser: (id: string) => Promise<CurrentUser | null>;
  absoluteMs: number;
  clock: Clock;
}) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const { userId, authenticatedAt } = req.session ?? {};
    if (!userId) return next();
    const expired = !authenticatedAt || deps.clock.now().getTime() - authenticatedAt > deps.absoluteMs;
    const user = expired ? null : await deps.findActiveUser(userId);
    if (!user) {
      await new Promise<void>((resolve) => req.session.regenerate(() => resolve()));
      return next();
    }
    req.user = user;
    res.locals.currentUser = { ...user, isAdmin: user.role === 'admin', canManage: roleAtLeast(user.role, 'manager') };
    next();
  };
}

/** Only signed-in users pass. Browsers are sent to the sign-in page and brought back afterwards. */
export function requireUser(req: Request, res: Response, next: NextFunction): void {
  if (req.user) return next();
  if (req.method === 'GET' && req.accepts(['html', 'json']) === 'html') {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  next(new UnauthorizedError());
}

/** Only users whose role is at least `role` pass; signed-out people go to sign in, others get 403. Use on every route. */
export function requireRole(role: Role) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!req.user) return requireUser(req, res, next);
    if (!roleAtLeast(req.user.role, role))
      return next(
        new ForbiddenError(`This needs the ${role} role; you are a ${req.user.role}. Ask an admin if you need access.`),
      );
    next();
  };
}
