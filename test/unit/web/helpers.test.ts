import { expect } from 'chai';
import { z } from 'zod';

import { ValidationError } from '../../../server/lib/errors.js';
import { dateFormatter, formatDate } from '../../../server/web/helpers/format-date.js';
import { json } from '../../../server/web/helpers/json.js';
import { parseInput } from '../../../server/web/validate.js';

describe('view helpers and input parsing', () => {
  it('json: cannot close a <script> element, and parses back to the same value', () => {
    const value = { comment: '</script><script>alert(1)</script> & \u2028', n: 45 };
    const text = json(value).toString();
    expect(text).not.to.contain('</script>');
    expect(text).not.to.contain('<');
    expect(JSON.parse(text)).to.deep.equal(value);
  });

  it('formatDate: a readable UTC date, empty for nothing', () => {
    expect(formatDate(new Date('2026-11-23T14:05:00Z'))).to.equal('23 Nov 2026, 14:05 UTC');
    expect(formatDate(undefined)).to.equal('');
    expect(formatDate('not a date')).to.equal('');
    expect(dateFormatter('America/New_York')(new Date('2026-02-01T04:30:00Z'))).to.equal('31 Jan 2026, 23:30 GMT-5');
  });

  it('parseInput: a ValidationError naming each bad field', () => {
    const schema = z.object({
      a: z.string().min(1, { error: 'Enter a.' }),
      b: z.object({ c: z.number({ error: 'c must be a number.' }) }),
    });
    let caught: unknown;
    try {
      parseInput(schema, { a: '', b: { c: 'x' } });
    } catch (err) {
      caught = err;
    }
    expect(caught).to.be.instanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.fields).to.deep.equal({ a: 'Enter a.', 'b.c': 'c must be a number.' });
    expect(error.message).to.contain('Check: a, b.c.');
    expect(error.status).to.equal(400);
  });
});
