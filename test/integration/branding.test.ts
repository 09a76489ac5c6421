import { expect } from 'chai';
import { simpleParser } from 'mailparser';

import { createSmtpMailer } from '../../server/sending/mailer.js';
import { createOutboxMailer } from '../../server/sending/outbox.js';
import { csrfTokenOf, signedInAs, type Agent } from '../helpers/agent.js';
import { useTestContext } from '../helpers/context.js';
import { makeSurvey } from '../helpers/factories.js';
import { pngOf, TINY_GIF } from '../helpers/images.js';
import { startTestSmtp } from '../helpers/smtp.js';

describe('branded email: logo, accent colour and footer', function () {
  this.timeout(60_000);
  const ctx = useTestContext();

  async function upload(agent: Agent, surveyId: string, file: Buffer, filename: string, contentType: string) {
    const page = await agent.get(`/surveys/${surveyId}/branding`).expect(200);
    return agent
      .post(`/surveys/${surveyId}/branding/logo`)
      .field('_csrf', csrfTokenOf(page.text))
      .attach('logo', file, { filename, contentType });
  }

  it('stores an uploaded PNG logo, shows it at most 200 px wide, and replaces it on a new upload', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const manager = await signedInAs(ctx, 'manager');
    const logo = pngOf(400, 100);
    const res = await upload(manager, String(survey._id), logo, 'logo.png', 'image/png');
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const page = await manager.get(`/surveys/${String(survey._id)}/branding`).expect(200);
    // 400 x 100 shown at 200 x 50.
    expect(page.text).to.match(
      /<img class="brand-logo" src="\/surveys\/[a-f0-9]{24}\/branding\/logo\/[a-f0-9]{12}" width="200" height="50"/,
    );
    const served = await manager
      .get(`/surveys/${String(survey._id)}/branding/logo`)
      .buffer(true)
      .expect(200);
    expect(served.headers['content-type']).to.equal('image/png');
    expect(Buffer.compare(served.body as Buffer, logo)).to.equal(0);

    expect((await upload(manager, String(survey._id), TINY_GIF, 'logo.gif', 'image/gif')).status).to.equal(303);
    const logoId = (await ctx.models.surveys.findById(survey._id).lean())!.brand!.logoId;
    const current = await ctx.models.brandLogos.findById(logoId).lean();
    expect([current!.contentType, current!.width, current!.height]).to.deep.equal(['image/gif', 1, 1]);
    const replaced = await manager
      .get(`/surveys/${String(survey._id)}/branding/logo`)
      .buffer(true)
      .expect(200);
    expect(replaced.headers['content-type']).to.equal('image/gif');
    // The replaced logo is removed once it is an hour old (so two uploads racing cannot delete the survey's).
    await ctx.models.brandLogos.collection.updateMany(
      { _id: { $ne: logoId! } },
      { $set: { createdAt: new Date(Date.now() - 2 * 3_600_000) } },
    );
    expect((await upload(manager, String(survey._id), pngOf(10, 10), 'third.png', 'image/png')).status).to.equal(303);
    expect(await ctx.models.brandLogos.countDocuments({})).to.equal(2);
  });

  it('refuses a file that is not an image, whatever its name and type claim, an SVG, a file over 100 KB and no file, with a clear message; nothing is stored', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const manager = await signedInAs(ctx, 'manager');
    const id = String(survey._id);
    const text = await upload(
      manager,
      id,
      Buffer.from('<?php echo "hi"; ?> this is not an image'),
      'logo.png',
      'image/png',
    );
    expect(text.status).to.equal(400);
    expect(text.text).to.contain('That file is not a PNG, JPEG or GIF image.');
    expect(text.text).to.contain('aria-invalid="true"');
    const svg = await upload(
      manager,
      id,
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'),
      'logo.svg',
      'image/svg+xml',
    );
    expect(svg.status).to.equal(400);
    expect(svg.text).to.contain('(it is SVG, which many mail clients do not show)');
    const big = await upload(manager, id, pngOf(200, 200, [0, 0, 0], true), 'big.png', 'image/png');
    expect(big.status).to.equal(413);
    expect(big.text).to.contain('larger than 100 KB');
    const page = await manager.get(`/surveys/${id}/branding`).expect(200);
    const none = await manager.post(`/surveys/${id}/branding/logo`).field('_csrf', csrfTokenOf(page.text)).expect(400);
    expect(none.text).to.contain('Choose an image file.');
    expect(await ctx.models.brandLogos.countDocuments({})).to.equal(0);
    expect((await ctx.models.surveys.findById(survey._id).lean())!.brand?.logoId).to.equal(undefined);

    const viewer = await signedInAs(ctx, 'viewer');
    const viewerPage = await viewer.get('/surveys').expect(200);
    await viewer
      .post(`/surveys/${id}/branding/logo`)
      .field('_csrf', csrfTokenOf(viewerPage.text))
      .attach('logo', TINY_GIF, 'l.gif')
      .expect(403);
    expect(await ctx.models.brandLogos.countDocuments({})).to.equal(0);
  });

  it('validates the accent colour and footer beside their fields and keeps what was typed', async () => {
    const survey = await makeSurvey(ctx, { status: 'active' });
    const manager = await signedInAs(ctx, 'manager');
    const id = String(survey._id);
    const page = await manager.get(`/surveys/${id}/branding`).expect(200);
    const bad = await manager
      .post(`/surveys/${id}/branding`)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text), accentColor: 'red', footerText: 'Acme GmbH <b>' })
      .expect(400);
    expect(bad.text).to.contain('Enter a colour as # and six hex digits');
    expect(bad.text).to.contain('Acme GmbH &lt;b&gt;');
    await manager
      .post(`/surveys/${id}/branding`)
      .type('form')
      .send({
        _csrf: csrfTokenOf(page.text),
        accentColor: '#FFCC00',
        footerText: 'Acme GmbH\r\nHauptstraße 1\r\n10115 Berlin',
      })
      .expect(303);
    const brand = (await ctx.models.surveys.findById(survey._id).lean())!.brand!;
    expect([brand.accentColor, brand.footerText]).to.deep.equal([
      '#ffcc00',
      'Acme GmbH\r\nHauptstraße 1\r\n10115 Berlin',
    ]);
  });

  it('sends the branded email over SMTP: logo embedded inline, accent colour with readable labels, postal address in both parts, and the usual headers', async () => {
    const smtp = await startTestSmtp();
    try {
      const survey = await makeSurvey(ctx, {
        status: 'active',
        senderName: 'Acme Service',
        brand: { accentColor: '#ffcc00', footerText: 'Acme GmbH\nHauptstraße 1\n10115 Berlin' },
      });
      const manager = await signedInAs(ctx, 'manager');
      const logo = pngOf(120, 40);
      expect((await upload(manager, String(survey._id), logo, 'logo.png', 'image/png')).status).to.equal(303);
      await ctx.models.contacts.create({ email: 'ana@example.com', name: 'Ana' });
      await ctx.services.sendQueue.queue(String(survey._id), {
        filters: [],
        throttleDays: 90,
      });
      const mailer = createSmtpMailer({ url: smtp.url, maxConnections: 1, ratePerSecond: 0 });
      const worker = ctx.services.newSendWorker({
        mailer,
        baseUrl: 'https://nps.example.com',
        mailFrom: 'NPS <surveys@nps.example.com>',
      });
      await worker.runOnce();
      await mailer.close();
      expect(smtp.received).to.have.length(1);
      // As sent: cid: links kept (mailparser would otherwise inline them as data: URIs).
      const mail = await simpleParser(smtp.received[0]!.raw, { keepCidLinks: true });
      expect(mail.from!.value[0]).to.deep.include({ name: 'Acme Service', address: 'surveys@nps.example.com' });
      const inline = mail.attachments.find((a) => a.contentType === 'image/png');
      expect(inline, 'the logo travels with the message').to.not.equal(undefined);
      expect(Buffer.compare(inline!.content, logo)).to.equal(0);
      expect(mail.html).to.contain(`src="cid:${inline!.cid!}"`);
      expect(mail.html).to.not.match(/src="https?:/);
      // Yellow buttons get black numbers (white on #ffcc00 would be 1.6:1).
      expect(mail.html).to.match(/background: #ffcc00[^"]*"[^>]*><a [^>]*color: #000000/);
      expect(mail.html).to.contain('Acme GmbH<br>Hauptstraße 1<br>10115 Berlin');
      expect(mail.text).to.contain('Acme GmbH\nHauptstraße 1\n10115 Berlin');
      expect(mail.html).to.contain('@media (prefers-color-scheme: dark)');
      const header = (key: string) => mail.headerLines.find((h) => h.key === key)?.line.replace(/\r\n\s+/g, ' ');
      expect(header('list-unsubscribe-post')).to.equal('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(header('list-unsubscribe')).to.match(
        /^List-Unsubscribe: <https:\/\/nps\.example\.com\/u\/[A-Za-z0-9_-]{43}>$/,
      );
    } finally {
      await smtp.close();
    }
  });

  it('the preview shows the logo from the app, and a test send to the outbox shows it there too', async () => {
    const survey = await makeSurvey(ctx, { status: 'active', brand: { accentColor: '#0f766e' } });
    const admin = await signedInAs(ctx, 'admin');
    expect((await upload(admin, String(survey._id), pngOf(60, 60), 'logo.png', 'image/png')).status).to.equal(303);
    const preview = await admin.get(`/surveys/${String(survey._id)}/preview/email`).expect(200);
    expect(preview.text).to.match(/src="\/surveys\/[a-f0-9]{24}\/branding\/logo\/[a-f0-9]{12}" width="60" height="60"/);
    expect(preview.text).to.contain('background: #0f766e');

    const page = await admin.get(`/surveys/${String(survey._id)}/preview`).expect(200);
    await admin
      .post(`/surveys/${String(survey._id)}/test-send`)
      .type('form')
      .send({ _csrf: csrfTokenOf(page.text) })
      .expect(303);
    const stored = await ctx.models.outboxMessages.findOne({}).lean();
    expect(stored!.subject).to.match(/^\[Test\]/);
    const html = await admin.get(`/outbox/${String(stored!._id)}/html`).expect(200);
    const src = /<img class="logo" src="(\/outbox\/logos\/[a-f0-9]{64})"/.exec(html.text)?.[1];
    expect(src, 'the outbox shows the embedded logo').to.be.a('string');
    const image = await admin.get(src!).buffer(true).expect(200);
    expect(image.headers['content-type']).to.equal('image/png');
    expect(createOutboxMailer).to.be.a('function');
  });
});
