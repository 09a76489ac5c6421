import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';

import { ConfigError, loadConfig } from '../../server/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('config', () => {
  it('needs nothing set: development defaults', () => {
    const config = loadConfig({});
    expect(config).to.include({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      baseUrl: 'http://localhost:3000',
      embeddedDb: 'auto',
      secureCookies: false,
    });
    expect(config.mongodbUri).to.equal(undefined);
    expect(config.sessionIdleMs).to.equal(60 * 60_000);
    expect(config.sessionAbsoluteMs).to.equal(12 * 3_600_000);
    expect(config.loginMaxFailures).to.equal(10);
    expect(config.trustProxy).to.equal(false);
    expect(config.generatedSessionSecretFile).to.equal(path.resolve('data', 'session-secret'));
    expect(Object.isFrozen(config)).to.be.true;
  });

  it('without SESSION_SECRET, makes a random secret once and keeps it in DATA_DIR, readable by its owner only', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nps-config-'));
    try {
      const first = loadConfig({ DATA_DIR: dir });
      const file = path.join(dir, 'session-secret');
      expect(first.generatedSessionSecretFile).to.equal(file);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(first.sessionSecrets[0]).to.have.length.of.at.least(48);
      expect(first.sessionSecrets[0]).not.to.contain('secret');
      const again = loadConfig({ DATA_DIR: dir });
      expect(again.sessionSecrets).to.deep.equal(first.sessionSecrets);
      expect(again.tokenSecret).to.equal(first.tokenSecret);
      const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'nps-config-'));
      expect(loadConfig({ DATA_DIR: elsewhere }).sessionSecrets).not.to.deep.equal(first.sessionSecrets);
      rmSync(elsewhere, { recursive: true, force: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names PORT and what it got when PORT is not a number', () => {
    expect(problemsOf({ PORT: 'abc' })).to.deep.equal(['PORT: expected a whole number from 0 to 65535 (got "abc")']);
    expect(problemsOf({ PORT: '70000' })).to.deep.equal([
      'PORT: expected a whole number from 0 to 65535 (got "70000")',
    ]);
  });

  it('names every bad variable in one error', () => {
    const problems = problemsOf({
      PORT: '-1',
      MONGODB_URI: 'postgres://x',
      SMTP_URL: 'mail.example.com',
      LOG_LEVEL: 'chatty',
      SESSION_SECRET: 'short',
    });
    expect(problems.map((p) => p.split(':')[0])).to.have.members([
      'PORT',
      'MONGODB_URI',
      'SMTP_URL',
      'LOG_LEVEL',
      'SESSION_SECRET',
    ]);
  });

  it('requires SESSION_SECRET in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })[0]).to.match(/^SESSION_SECRET: required when NODE_ENV=production/);
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) });
    expect(config.generatedSessionSecretFile).to.equal(undefined);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' })).to.include({ port: 3000, mongodbUri: undefined });
  });

  it('turns on Secure cookies when BASE_URL is https, and strips a trailing slash', () => {
    const config = loadConfig({ BASE_URL: 'https://nps.example.com/' });
    expect(config.baseUrl).to.equal('https://nps.example.com');
    expect(config.secureCookies).to.be.true;
    expect(loadConfig({ BASE_URL: 'https://nps.example.com', SECURE_COOKIES: 'false' }).secureCookies).to.be.false;
  });

  it('parses TRUST_PROXY as a boolean, a hop count or a list of addresses', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).to.equal(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).to.equal(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).to.equal('loopback, 10.0.0.0/8');
    expect(problemsOf({ TRUST_PROXY: 'yes please!' })[0]).to.match(/^TRUST_PROXY:/);
  });

  it('accepts mongodb+srv URIs (Atlas) and smtps URLs', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb+srv://u:p@cluster0.example.net/nps',
      SMTP_URL: 'smtps://u:p@smtp.example.com:465',
    });
    expect(config.mongodbUri).to.equal('mongodb+srv://u:p@cluster0.example.net/nps');
    expect(config.smtpUrl).to.equal('smtps://u:p@smtp.example.com:465');
  });
});
