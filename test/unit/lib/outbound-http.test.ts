import { expect } from 'chai';

import { blockedRange, checkResolved, checkUrl, maskUrlCredentials } from '../../../server/lib/outbound-http.js';

const guarded = { allowPrivate: false };

describe('outbound HTTP guard', () => {
  const refused = [
    'http://127.0.0.1/hook',
    'http://127.1/hook',
    'http://2130706433/hook',
    'http://017700000001/hook',
    'http://0x7f000001/hook',
    'http://0x7f.0.0.1/hook',
    'http://0.0.0.0/hook',
    'http://0/hook',
    'http://localhost:8080/hook',
    'http://api.localhost/hook',
    'http://[::1]/hook',
    'http://[::]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[::ffff:169.254.169.254]/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.5/hook',
    'http://172.16.3.4/hook',
    'http://192.168.1.1/hook',
    'http://100.64.0.1/hook',
    'http://[fd00:ec2::254]/hook',
    'http://[fe80::1]/hook',
    'http://224.0.0.1/hook',
  ];
  for (const url of refused) {
    it(`refuses ${url}`, () => {
      expect(() => checkUrl(url, guarded)).to.throw(/only public addresses/);
    });
  }

  it('accepts public addresses and names, and everything when private hosts are allowed', () => {
    expect(checkUrl('https://93.184.216.34/hook', guarded).hostname).to.equal('93.184.216.34');
    expect(checkUrl('https://hooks.example.com/nps', guarded).hostname).to.equal('hooks.example.com');
    expect(checkUrl('http://127.0.0.1:9000/hook', { allowPrivate: true }).port).to.equal('9000');
  });

  it('refuses other schemes and credentials in the URL', () => {
    expect(() => checkUrl('ftp://example.com/x', guarded)).to.throw(TypeError);
    expect(() => checkUrl('file:///etc/passwd', guarded)).to.throw(TypeError);
    expect(() => checkUrl('https://user:pw@example.com/x', guarded)).to.throw(/user name or password/);
    expect(() => checkUrl('https://user:pw@example.com/x', { allowPrivate: true })).to.throw(/user name or password/);
  });

  it('names the range of an address', () => {
    expect(blockedRange('127.0.0.1')).to.equal('loopback');
    expect(blockedRange('169.254.169.254')).to.equal('linkLocal');
    expect(blockedRange('::ffff:10.1.2.3')).to.equal('private');
    expect(blockedRange('8.8.8.8')).to.equal(undefined);
    expect(blockedRange('2606:4700::1111')).to.equal(undefined);
  });

  it('refuses a name that resolves to a private address, checking every address', async () => {
    const resolve = () =>
      Promise.resolve([
        { address: '93.184.216.34', family: 4 },
        { address: '10.0.0.1', family: 4 },
      ]);
    const url = new URL('https://internal.example.com/hook');
    let error: unknown;
    await checkResolved(url, { allowPrivate: false, resolve }).catch((err: unknown) => (error = err));
    expect(String(error)).to.match(/internal\.example\.com \(10\.0\.0\.1\) is a private network/);
    await checkResolved(url, { allowPrivate: true, resolve });
  });

  it('masks credentials for pages and logs', () => {
    expect(maskUrlCredentials('https://user:secret@example.com/x')).to.equal('https://****@example.com/x');
    expect(maskUrlCredentials('https://example.com/x')).to.equal('https://example.com/x');
  });
});
