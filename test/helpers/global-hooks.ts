import { startTestDatabase, stopTestDatabase, testDatabaseEngine } from './database.js';

/** Mocha global fixtures: start the database once before all test files, stop it after. */
export async function mochaGlobalSetup(): Promise<void> {
  const started = Date.now();
  await startTestDatabase();
  process.stdout.write(`  test database: ${testDatabaseEngine()} (ready in ${Date.now() - started} ms)\n`);
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestDatabase();
}
