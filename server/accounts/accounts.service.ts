import mongoose from 'mongoose';

import type { Clock } from '../lib/clock.js';
import {
  ConflictError,
  isDuplicateKeyError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
} from '../lib/errors.js';
import type { Role } from '../vocabulary/roles.js';
import type { CurrentUser } from '../web/auth.js';
import { messages } from './accounts.messages.js';
import type { SetupInput, UserInput } from './accounts.schemas.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './password.js';
import type { User, UserModel } from './user.model.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date | undefined;
  lastLoginAt: Date | undefined;
  disabled: boolean;
}

function toView(doc: User & { _id: unknown }): UserView {
  return {
    id: String(doc._id),
    email: doc.email,
    name: doc.name ?? '',
    role: doc.role,
    createdAt: doc.createdAt ?? undefined,
    lastLoginAt: doc.lastLoginAt ?? undefined,
    disabled: Boolean(doc.disabledAt),
  };
}

const notFound = () => new NotFoundError(messages.userNotFound);

/** Manager accounts: the first admin, users and roles, sign-in and passwords. The only writer of `users`. */
export class AccountsService {
  constructor(private readonly deps: { users: UserModel; clock: Clock }) {}

  /** True once any account exists: the setup page is then closed for good. */
  async hasAnyUser(): Promise<boolean> {
    return (await this.deps.users.exists({})) !== null;
  }

  /** The one-time setup: creates the first admin. Of two racing submissions exactly one succeeds. */
  async createFirstAdmin(input: SetupInput): Promise<UserView> {
    const setupDone = () => new ConflictError(messages.setupDone, 'SETUP_ALREADY_DONE');
    if (await this.hasAnyUser()) throw setupDone();
    try {
      return await this.create(
        { email: input.email, name: input.name, password: input.password, role: 'admin' },
        { firstAdmin: true },
      );
    } catch (err) {
      // Two set-ups at once: whichever index the loser hits (email or first admin), setup is done.
      if (err instanceof ValidationError && (await this.hasAnyUser())) throw setupDone();
      throw err;
    }
  }

  /** Creates a user with a hashed password; a ValidationError on `email` if the email is taken. */
  createUser(input: UserInput): Promise<UserView> {
    return this.create(input);
  }

  /** Checks an email and password. The same error and the same work for an unknown email as for a wrong password. */
  async authenticate(email: string, password: string): Promise<CurrentUser> {
    const { users, clock } = this.deps;
    const doc = await users.findOne({ email, disabledAt: null }).select('+passwordHash').lean();
    const ok = await verifyPassword(doc?.passwordHash ?? (await dummyPasswordHash()), password);
    if (!doc || !ok) throw new UnauthorizedError(messages.invalidCredentials, 'INVALID_CREDENTIALS');
    await users.updateOne({ _id: doc._id }, { $set: { lastLoginAt: clock.now() } });
    return { id: String(doc._id), email: doc.email, name: doc.name ?? '', role: doc.role };
  }

  async findActiveUser(id: string): Promise<CurrentUser | null> {
    if (!mongoose.isValidObjectId(id)) return null;
    const doc = await this.deps.users.findOne({ _id: id, disabledAt: null }).lean();
    return doc ? { id: String(doc._id), email: doc.email, name: doc.name ?? '', role: doc.role } : null;
  }

  async listUsers(): Promise<UserView[]> {
    return (await this.deps.users.find({}).sort({ email: 1 }).lean()).map(toView);
  }

  /** Every user's display name (name, else email), by id. */
  async names(): Promise<Map<string, string>> {
    const docs = await this.deps.users.find({}).select('name email').lean();
    return new Map(docs.map((u) => [String(u._id), u.name || u.email]));
  }

  /** Users who are not disabled, by email. */
  async active(): Promise<{ id: string; email: string; name: string; role: Role }[]> {
    const docs = await this.deps.users.find({ disabledAt: null }).select('name email role').sort({ email: 1 }).lean();
    return docs.map((u) => ({ id: String(u._id), email: u.email, name: u.name ?? '', role: u.role }));
  }

  /** Enabled managers and admins: who can own a follow-up case. */
  async ownerOptions(): Promise<{ id: string; name: string }[]> {
    return (await this.active()).filter((u) => u.role !== 'viewer').map((u) => ({ id: u.id, name: u.name || u.email }));
  }

  /**
   * Changes the signed-in user's password after checking the current one. Returns nothing; the caller
   * ends the user's other sessions.
   */
  async changePassword(id: string, currentPassword: string, newPassword: string): Promise<void> {
    const { users } = this.deps;
    const doc = await users.findOne({ _id: id, disabledAt: null }).select('+passwordHash').lean();
    if (!doc) throw notFound();
    if (!(await verifyPassword(doc.passwordHash, currentPassword))) {
      throw new ValidationError(
        messages.wrongCurrentPassword,
        { currentPassword: messages.wrongCurrentPassword },
        'WRONG_PASSWORD',
      );
    }
    await users.updateOne({ _id: id }, { $set: { passwordHash: await hashPassword(newPassword) } });
  }

  /** Disables or re-enables an account. A disabled user is signed out at their next request. */
  async setDisabled(id: string, disabled: boolean, actingUserId: string): Promise<UserView> {
    const { users, clock } = this.deps;
    if (!mongoose.isValidObjectId(id)) throw notFound();
    if (disabled && id === actingUserId) throw new ConflictError(messages.cannotDisableSelf, 'CANNOT_DISABLE_SELF');
    if (!disabled) {
      const updated = await users.findOneAndUpdate(
        { _id: id },
        { $unset: { disabledAt: 1 } },
        { returnDocument: 'after' },
      );
      if (!updated) throw notFound();
      return toView(updated.toObject());
    }
    return this.removingAdmin(id, { $set: { disabledAt: clock.now() } });
  }

  /** Changes a user's role. The last admin cannot be demoted, so the deployment always has one. */
  async changeRole(id: string, role: Role): Promise<UserView> {
    if (!mongoose.isValidObjectId(id)) throw notFound();
    if (role === 'admin') {
      const updated = await this.deps.users.findOneAndUpdate(
        { _id: id },
        { $set: { role } },
        { returnDocument: 'after' },
      );
      if (!updated) throw notFound();
      return toView(updated.toObject());
    }
    return this.removingAdmin(id, { $set: { role } });
  }

  /**
   * Applies a change that may take away an admin (a demotion or disabling) without ever leaving none,
   * even when two admins remove each other at the same moment, with no transaction: the target is
   * first marked "being removed" (one atomic write), then the others are counted, ignoring any admin
   * marked the same way, and only then is the change applied (clearing the mark). Of two concurrent
   * removals the later count sees the earlier mark, so at most one of the two goes through. A mark
   * left by a crashed process is ignored after a minute.
   */
  private async removingAdmin(id: string, change: { $set: Partial<User> }): Promise<UserView> {
    const { users, clock } = this.deps;
    const now = clock.now();
    const marked = await users.findOneAndUpdate(
      { _id: id, role: 'admin', disabledAt: null },
      { $set: { adminRemovalAt: now } },
    );
    if (marked) {
      const staleMark = new Date(now.getTime() - 60_000);
      const others = await users.countDocuments({
        _id: mongoose.trusted({ $ne: marked._id }),
        role: 'admin',
        disabledAt: null,
        $or: [{ adminRemovalAt: null }, { adminRemovalAt: mongoose.trusted({ $lt: staleMark }) }],
      });
      if (others < 1) {
        await users.updateOne({ _id: id, adminRemovalAt: now }, { $unset: { adminRemovalAt: 1 } });
        throw new ConflictError(messages.lastAdmin, 'LAST_ADMIN');
      }
    }
    const updated = await users.findOneAndUpdate(
      { _id: id },
      { ...change, $unset: { adminRemovalAt: 1 } },
      { returnDocument: 'after' },
    );
    if (!updated) throw notFound();
    return toView(updated.toObject());
  }

  private async create(input: UserInput, extra: Partial<Pick<User, 'firstAdmin'>> = {}): Promise<UserView> {
    const passwordHash = await hashPassword(input.password);
    try {
      const doc = await this.deps.users.create({
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash,
        ...extra,
      });
      return toView(doc.toObject());
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      const duplicate = err as { keyPattern?: Record<string, unknown> };
      if (duplicate.keyPattern && 'firstAdmin' in duplicate.keyPattern)
        throw new ConflictError(messages.setupDone, 'SETUP_ALREADY_DONE');
      throw new ValidationError(messages.emailTaken, { email: messages.emailTaken }, 'EMAIL_TAKEN');
    }
  }
}
