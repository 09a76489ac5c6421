import { Router, type Request, type RequestHandler } from 'express';

import { ConflictError } from '../lib/errors.js';
import { ROLES } from '../vocabulary/roles.js';
import { requireRole, type CurrentUser } from '../web/auth.js';
import { flash } from '../web/flash.js';
import { renderInvalid, typedValues } from '../web/forms.js';
import { parseInput } from '../web/validate.js';
import { messages } from './accounts.messages.js';
import {
  disableSchema,
  loginInputSchema,
  passwordChangeSchema,
  roleChangeSchema,
  safeNextPath,
  setupInputSchema,
  userInputSchema,
} from './accounts.schemas.js';
import type { AccountsService } from './accounts.service.js';

/** Starts a fresh session for the user: a new id at every sign-in defeats session fixation. */
async function signIn(req: Request, user: CurrentUser, now: Date): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    req.session.regenerate((err) => (err ? reject(err as Error) : resolve())),
  );
  req.session.userId = user.id;
  req.session.authenticatedAt = now.getTime();
  await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err as Error) : resolve())));
}

interface AccountsDeps {
  accounts: AccountsService;
  loginLimiter: RequestHandler;
  /** Limits wrong current passwords on the password-change form, per user. */
  passwordCheckLimiter: RequestHandler;
  /** Starts the CSRF token of a form an anonymous visitor posts (sign-in, setup). */
  formToken: RequestHandler;
  now: () => Date;
  /** Ends a user's stored sessions, except the one given. */
  endSessions: (userId: string, keepSessionId?: string) => Promise<number>;
}

/** Setting up, signing in and out, one's own password (everyone), and the user list (admins). */
export function accountsRouter(deps: AccountsDeps): Router {
  return Router().use(signInRoutes(deps), usersRoutes(deps));
}

function signInRoutes(deps: AccountsDeps): Router {
  const { accounts, loginLimiter, formToken, now, endSessions } = deps;
  const router = Router();

  router.get('/setup', formToken, async (_req, res) => {
    if (await accounts.hasAnyUser()) return res.redirect(303, '/login');
    res.render('accounts/setup', { title: 'Set up your admin account', values: {} });
  });

  router.post('/setup', async (req, res) => {
    if (await accounts.hasAnyUser()) return res.redirect(303, '/login');
    try {
      const input = parseInput(setupInputSchema, req.body);
      const user = await accounts.createFirstAdmin(input);
      await signIn(req, { id: user.id, email: user.email, name: user.name, role: user.role }, now());
      flash(req, 'success', messages.setupWelcome);
      res.redirect(303, '/');
    } catch (err) {
      if (err instanceof ConflictError) {
        // Someone else finished the setup first: sign in (or ask them for an account).
        flash(req, 'info', err.message);
        return res.redirect(303, '/login');
      }
      renderInvalid(res, 'accounts/setup', err, { title: 'Set up your admin account', values: typedValues(req.body) });
    }
  });

  router.get('/login', formToken, async (req, res) => {
    if (req.user) return res.redirect(303, '/');
    if (!(await accounts.hasAnyUser())) return res.redirect(303, '/setup');
    const next = typeof req.query.next === 'string' ? safeNextPath(req.query.next) : '';
    res.render('accounts/login', { title: 'Sign in', values: { next }, signedOut: req.query.signedOut === '1' });
  });

  router.post('/login', loginLimiter, async (req, res) => {
    try {
      const input = parseInput(loginInputSchema, req.body);
      const user = await accounts.authenticate(input.email, input.password);
      await signIn(req, user, now());
      res.redirect(303, safeNextPath(input.next));
    } catch (err) {
      const values = typedValues(req.body);
      if (err instanceof Error && 'code' in err && err.code === 'INVALID_CREDENTIALS') {
        return res.status(401).render('accounts/login', { title: 'Sign in', values, formError: err.message });
      }
      renderInvalid(res, 'accounts/login', err, { title: 'Sign in', values });
    }
  });

  router.post('/logout', (req, res, next) => {
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie('nps.sid', { path: '/' });
      res.redirect(303, '/login?signedOut=1');
    });
  });

  router.get('/account', requireRole('viewer'), (_req, res) => {
    res.render('accounts/account', { title: 'Your account' });
  });

  router.post('/account/password', requireRole('viewer'), deps.passwordCheckLimiter, async (req, res) => {
    try {
      const input = parseInput(passwordChangeSchema, req.body);
      await accounts.changePassword(req.user!.id, input.currentPassword, input.password);
      await endSessions(req.user!.id, req.sessionID);
      flash(req, 'success', messages.passwordChanged);
      res.redirect(303, '/account');
    } catch (err) {
      if (err instanceof Error && 'code' in err && err.code === 'WRONG_PASSWORD') res.locals.credentialsRefused = true;
      renderInvalid(res, 'accounts/account', err, { title: 'Your account' });
    }
  });

  return router;
}

function usersRoutes({ accounts, endSessions }: AccountsDeps): Router {
  const router = Router();
  const roleOptions = ROLES.map((role) => ({ value: role }));

  router.get('/users', requireRole('admin'), async (_req, res) => {
    res.render('accounts/users', {
      title: 'Users',
      users: await accounts.listUsers(),
      roleOptions,
      values: { role: 'viewer' },
    });
  });

  router.post('/users', requireRole('admin'), async (req, res) => {
    try {
      const input = parseInput(userInputSchema, req.body);
      const user = await accounts.createUser(input);
      flash(req, 'success', messages.userCreated(user.email));
      res.redirect(303, '/users');
    } catch (err) {
      renderInvalid(res, 'accounts/users', err, {
        title: 'Users',
        users: await accounts.listUsers(),
        roleOptions,
        values: typedValues(req.body),
      });
    }
  });

  router.post('/users/:id/role', requireRole('admin'), async (req, res) => {
    const { role } = parseInput(roleChangeSchema, req.body);
    try {
      const user = await accounts.changeRole(req.params.id as string, role);
      flash(req, 'success', messages.roleChanged(user.email, user.role));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, '/users');
  });

  router.post('/users/:id/disabled', requireRole('admin'), async (req, res) => {
    const { disabled } = parseInput(disableSchema, req.body);
    try {
      const user = await accounts.setDisabled(req.params.id as string, disabled, req.user!.id);
      if (disabled) await endSessions(user.id);
      flash(req, 'success', disabled ? messages.userDisabled(user.email) : messages.userEnabled(user.email));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flash(req, 'error', err.message);
    }
    res.redirect(303, '/users');
  });

  return router;
}
