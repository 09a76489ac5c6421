import { expect } from 'chai';

import { isDatabaseUnavailable } from '../../../server/web/error-handler.js';

describe('isDatabaseUnavailable (503 instead of 500)', () => {
  const named = (name: string, message = 'x') => Object.assign(new Error(message), { name });

  it('recognises the driver and Mongoose errors of an unreachable database, also as a cause', () => {
    expect(isDatabaseUnavailable(named('MongoServerSelectionError'))).to.equal(true);
    expect(isDatabaseUnavailable(named('MongoNetworkError'))).to.equal(true);
    expect(
      isDatabaseUnavailable(
        named('MongooseError', 'Operation `responses.insertOne()` buffering timed out after 10000ms'),
      ),
    ).to.equal(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: named('MongoNotConnectedError') }))).to.equal(true);
    const epipe = Object.assign(new Error('This socket has been ended by the other party'), { code: 'EPIPE' });
    epipe.stack =
      'Error: This socket has been ended by the other party\n    at Connection.writeCommand (/app/node_modules/mongodb/src/cmap/connection.ts:722:23)';
    expect(isDatabaseUnavailable(epipe)).to.equal(true);
    // What bulkWrite throws when the server is gone: a bulk error wrapping the network error's fields.
    const bulk = Object.assign(named('MongoBulkWriteError', 'connect ECONNREFUSED 127.0.0.1:27017'), {
      writeErrors: [],
      errorResponse: { errorLabelSet: new Set(), beforeHandshake: false, connectionGeneration: 0 },
    });
    expect(isDatabaseUnavailable(bulk)).to.equal(true);
    // A bulk write the server refused (a duplicate key) is not an outage.
    const duplicate = Object.assign(named('MongoBulkWriteError', 'E11000'), {
      writeErrors: [{ index: 0, code: 11000 }],
      errorResponse: { code: 11000 },
    });
    expect(isDatabaseUnavailable(duplicate)).to.equal(false);
  });

  it('leaves other errors alone', () => {
    expect(isDatabaseUnavailable(new Error('boom'))).to.equal(false);
    expect(isDatabaseUnavailable(named('MongooseError', 'Cast to ObjectId failed'))).to.equal(false);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error('socket'), {
          code: 'EPIPE',
          stack: 'at SMTPConnection (/app/node_modules/nodemailer/lib/smtp-connection)',
        }),
      ),
    ).to.equal(false);
    expect(isDatabaseUnavailable('text')).to.equal(false);
  });
});
