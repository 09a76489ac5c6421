/** User-facing wording for accounts, in one place, ready for translation. */
export const messages = {
  invalidCredentials: 'That email and password do not match an account. Check both and try again.',
  setupDone: 'Setup is already complete. Sign in with the admin account, or ask an admin for one.',
  setupWelcome: 'Your admin account is ready. Welcome!',
  emailTaken: 'An account with this email already exists.',
  userCreated: (email: string) => `Account created for ${email}. Give them their password through a safe channel.`,
  roleChanged: (email: string, role: string) => `${email} is now ${role === 'admin' ? 'an' : 'a'} ${role}.`,
  lastAdmin: 'You cannot remove the last admin. Make someone else an admin first.',
  signedOut: 'You are signed out.',
  wrongCurrentPassword: 'That is not your current password.',
  passwordChanged: 'Your password is changed. Other devices signed in as you have been signed out.',
  cannotDisableSelf: 'You cannot disable your own account.',
  userDisabled: (email: string) => `${email} is disabled and signed out everywhere.`,
  userEnabled: (email: string) => `${email} can sign in again.`,
  passwordMismatch: 'The two passwords are not the same.',
  passwordLength: 'Use at least 12 characters (a short sentence works well).',
  userNotFound: 'That user does not exist.',
} as const;
