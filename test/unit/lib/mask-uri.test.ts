import { expect } from 'chai';

import { maskUri, uriHosts } from '../../../server/lib/mask-uri.js';

describe('maskUri / uriHosts', () => {
  it('hides the password and keeps the user and hosts', () => {
    expect(maskUri('mongodb://app:s3cret@db1:27017,db2:27017/nps?replicaSet=rs0')).to.equal(
      'mongodb://app:****@db1:27017,db2:27017/nps?replicaSet=rs0',
    );
    expect(maskUri('mongodb+srv://app:p%40ss@cluster0.example.net/nps')).to.equal(
      'mongodb+srv://app:****@cluster0.example.net/nps',
    );
    expect(maskUri('mongodb://localhost:27017/nps')).to.equal('mongodb://localhost:27017/nps');
  });

  it('extracts the host list', () => {
    expect(uriHosts('mongodb://app:s3cret@db1:27017,db2:27017/nps?replicaSet=rs0')).to.equal('db1:27017,db2:27017');
    expect(uriHosts('mongodb://127.0.0.1:1')).to.equal('127.0.0.1:1');
  });
});
