import { expect } from 'chai';
import { simpleParser, type ParsedMail } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';

import { generateToken } from '../../../server/lib/tokens.js';
import { preparedHeaders } from '../../../server/sending/mailer.js';
import { renderSurveyEmail, type EmailSurvey } from '../../../server/sending/survey-email.js';
import { pickLanguage } from '../../../server/vocabulary/languages.js';

const survey: EmailSurvey = {
  id: '64b000000000000000000001',
  name: 'Customer NPS',
  companyName: 'Acme <Bikes> & Co',
  recommendQuestion: 'How likely are you to recommend {company} to a friend or colleague?',
  senderName: 'Acme Support',
  replyTo: 'help@acme.example',
  emailSubject: '',
  emailIntro: 'Thanks for riding with {company}.',
  language: 'en',
};

/** Builds the real MIME message with Nodemailer's composer and parses it back with mailparser. */
async function roundTrip(email: ReturnType<typeof renderSurveyEmail>): Promise<ParsedMail> {
  // Headers as the SMTP mailer hands them to Nodemailer.
  const raw = await new MailComposer({ ...email, headers: preparedHeaders(email.headers) }).compile().build();
  return simpleParser(raw);
}

function scoreLinks(text: string, token: string): string[] {
  return [...text.matchAll(new RegExp(`https://nps\\.example\\.com/r/${token}/(\\d+)`, 'g'))].map((m) => m[1]!);
}

describe('survey email', () => {
  const token = generateToken();
  const render = (overrides: Partial<Parameters<typeof renderSurveyEmail>[0]> = {}) =>
    renderSurveyEmail({
      survey,
      contact: { email: 'ana@example.com', name: 'Ana López', locale: '' },
      token,
      invitationId: '64b0000000000000000000aa',
      baseUrl: 'https://nps.example.com',
      mailFrom: 'NPS <surveys@acme.example>',
      ...overrides,
    });

  it('has an HTML and a plain-text part, each with the eleven score links 0-10 and the end labels', async () => {
    const mail = await roundTrip(render());
    expect(mail.html).to.be.a('string');
    expect(mail.text).to.be.a('string');
    const expected = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];
    expect(scoreLinks(mail.html as string, token)).to.deep.equal(expected);
    expect(scoreLinks(mail.text!, token)).to.deep.equal(expected);
    for (const part of [mail.html as string, mail.text!]) {
      expect(part).to.contain('Not at all likely');
      expect(part).to.contain('Extremely likely');
    }
  });

  it('sets RFC 8058 one-click unsubscribe, List-Id, a stable Message-ID, sender and reply-to', async () => {
    const mail = await roundTrip(render());
    // mailparser folds List-* headers into one object; the raw header lines are what clients read.
    const header = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/\r\n\s+/g, ' ');
    expect(header('list-unsubscribe-post')).to.equal('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).to.equal(`List-Unsubscribe: <https://nps.example.com/u/${token}>`);
    expect(header('list-id')).to.equal('List-ID: Customer NPS <survey-64b000000000000000000001.nps.example.com>');
    expect(mail.messageId).to.equal('<invitation-64b0000000000000000000aa@nps.example.com>');
    expect((await roundTrip(render())).messageId).to.equal(mail.messageId);
    expect((await roundTrip(render({ reminder: true }))).messageId).to.equal(
      '<reminder-64b0000000000000000000aa@nps.example.com>',
    );
    expect(mail.from!.value[0]).to.deep.include({ name: 'Acme Support', address: 'surveys@acme.example' });
    expect(mail.replyTo!.value[0]!.address).to.equal('help@acme.example');
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value[0] : undefined).to.deep.include({
      name: 'Ana López',
      address: 'ana@example.com',
    });
    expect(mail.html).to.contain(`https://nps.example.com/u/${token}`);
    expect(mail.text).to.contain(`https://nps.example.com/u/${token}`);
  });

  it('keeps List-Id parseable for names that need quoting or are not ASCII', async () => {
    const id = 'survey-64b000000000000000000001.nps.example.com';
    for (const [name, line] of [
      ['Café NPS', `List-ID: Cafe NPS <${id}>`],
      ['Acme, Inc.', `List-ID: "Acme, Inc." <${id}>`],
      ['Say "hi"', `List-ID: "Say \\"hi\\"" <${id}>`],
      ['日本', `List-ID: <${id}>`],
    ] as const) {
      const mail = await roundTrip(render({ survey: { ...survey, name } }));
      const header = mail.headerLines.find((h) => h.key === 'list-id')?.line.replace(/\r\n\s+/g, ' ');
      expect(header, name).to.equal(line);
    }
  });

  it('fills {company}, escapes it in HTML, and inlines the CSS', () => {
    const email = render();
    expect(email.subject).to.equal('How likely are you to recommend Acme <Bikes> & Co to a friend or colleague?');
    expect(email.html).to.contain('Acme &lt;Bikes&gt; &amp; Co');
    expect(email.html).not.to.contain('<Bikes>');
    // Every rule is inlined; the only <style> left holds the dark-mode media query (it cannot be inlined).
    const styles = [...email.html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!.trim());
    expect(styles).to.have.length(1);
    expect(styles[0]).to.match(/^@media \(prefers-color-scheme: dark\) \{[\s\S]*\}$/);
    expect(email.html).to.match(/<td class="score"[^>]*style="[^"]*background: ?#1d4ed8/);
    expect(email.text).to.contain('Thanks for riding with Acme <Bikes> & Co.');
  });

  it('writes to a contact in their language where we have it, else in the survey language', () => {
    expect(pickLanguage('de-CH', 'en')).to.equal('de');
    expect(pickLanguage('fr', 'de')).to.equal('de');
    expect(pickLanguage('', 'en')).to.equal('en');
    const german = render({ contact: { email: 'jo@example.com', name: 'Jo', locale: 'de_AT' } });
    expect(german.language).to.equal('de');
    expect(german.html).to.contain('lang="de"');
    expect(german.text).to.contain('Äußerst unwahrscheinlich');
    expect(german.text).to.contain('Diese Umfragen abbestellen');
    // The survey kept the standard question, so the German contact gets its German version...
    expect(german.subject).to.equal(
      'Wie wahrscheinlich ist es, dass Sie Acme <Bikes> & Co einem Freund oder Kollegen weiterempfehlen?',
    );
    // ...while wording a manager wrote is used as written.
    const custom = render({
      survey: { ...survey, recommendQuestion: 'Would you tell friends about {company}?' },
      contact: { email: 'jo@example.com', name: 'Jo', locale: 'de' },
    });
    expect(custom.subject).to.equal('Would you tell friends about Acme <Bikes> & Co?');
  });

  it('quotes a sender name with special characters and uses the company when no sender name is set', async () => {
    const mail = await roundTrip(render({ survey: { ...survey, senderName: '' } }));
    expect(mail.from!.value[0]).to.deep.include({ name: 'Acme <Bikes> & Co', address: 'surveys@acme.example' });
  });
});
