import request from 'supertest';

import type { TestContext } from './context.js';
import { makeInvitation, type InviteOptions } from './factories.js';

/** The sealed page stamp in a served response page. */
export function stampOf(html: string): string {
  const match = /name="stamp" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no stamp in page');
  return match[1]!;
}

/** Invitations, answering them like a person, and counting responses; each reads `ctx` when called. */
export function respondHelpers(ctx: TestContext) {
  const invited = (options: InviteOptions = {}) => makeInvitation(ctx, options);

  /** Opens a score link like a person, waits `seconds`, and sends the form. */
  async function answer(
    token: string,
    fields: Record<string, string>,
    options: { link?: string; seconds?: number; userAgent?: string } = {},
  ) {
    const page = await request(ctx.app)
      .get(`/r/${token}/${options.link ?? fields.score ?? '9'}`)
      .set('User-Agent', options.userAgent ?? 'Person/1.0');
    ctx.clock.advance((options.seconds ?? 12) * 1000);
    return request(ctx.app)
      .post(`/r/${token}`)
      .set('User-Agent', options.userAgent ?? 'Person/1.0')
      .type('form')
      .send({ stamp: stampOf(page.text), ...fields });
  }

  const responseCount = () => ctx.models.responses.countDocuments({});

  return { invited, answer, responseCount };
}
