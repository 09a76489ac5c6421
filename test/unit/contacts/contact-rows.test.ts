import { expect } from 'chai';

import { contactUpsertOf, emailOf } from '../../../server/contacts/contact-rows.js';
import { PROPERTY_VALUE_MAX as MAX_PROPERTY_LENGTH } from '../../../server/vocabulary/properties.js';

describe('contact rows (CSV import, API bulk call and triggers)', () => {
  it('normalises an email, or says why it cannot be used and shows it', () => {
    expect(emailOf('  Ann@Example.COM ')).to.deep.equal({ email: 'ann@example.com' });
    expect(emailOf('ann at example')).to.deep.equal({ reason: 'not a valid email address: "ann at example"' });
    expect(emailOf(''))
      .to.have.property('reason')
      .that.matches(/^email is empty/);
  });

  it('keeps only non-empty property values, trimmed, and the locale in its standard form', () => {
    expect(contactUpsertOf('ann@example.com', '  Ann ', 'pt_BR', { plan: ' pro ', region: '  ' })).to.deep.equal({
      email: 'ann@example.com',
      name: 'Ann',
      locale: 'pt-BR',
      properties: [['plan', 'pro']],
    });
  });

  it('refuses a bad locale, a long name and a long property value, naming which', () => {
    expect(contactUpsertOf('a@b.example', '', 'english!', {})).to.deep.equal({
      reason: 'locale should look like en, de or pt-BR: "english!"',
    });
    expect(contactUpsertOf('a@b.example', 'x'.repeat(201), '', {})).to.deep.equal({
      reason: 'name is longer than 200 characters',
    });
    expect(contactUpsertOf('a@b.example', '', '', { plan: 'x'.repeat(MAX_PROPERTY_LENGTH + 1) })).to.deep.equal({
      reason: 'plan is longer than 500 characters',
    });
  });
});
