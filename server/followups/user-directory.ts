import type { Role } from '../vocabulary/roles.js';

/** The people a case can be owned by or alerted to, as follow-ups see them (the accounts domain answers). */
export interface UserDirectory {
  /** Every user's display name (name, else email), by id. */
  names(): Promise<Map<string, string>>;
  /** Users who are not disabled, by email. */
  active(): Promise<{ id: string; email: string; name: string; role: Role }[]>;
}
