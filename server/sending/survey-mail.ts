import type mongoose from 'mongoose';

import type { LogoData } from '../branding/branding.service.js';
import type { Sealer } from '../lib/seal.js';
import type { SurveyDetail } from '../surveys/survey-detail.js';
import type { ClaimedInvitation } from './invitation.store.js';
import { renderSurveyEmail, type SurveyEmail } from './survey-email.js';

/** An active survey as the worker sends it. */
export type ActiveSurvey = SurveyDetail & { _id: mongoose.Types.ObjectId; reminderAfterMs: number | undefined };

export interface MailContact {
  email: string;
  name?: string | null;
  locale?: string | null;
}

/**
 * Writes the survey email (or its reminder) for a claimed invitation: the link token unsealed, the
 * survey's logo embedded. Logos are cached by id: a new upload is a new id, so a cached logo is never stale.
 */
export class SurveyMail {
  private readonly logos = new Map<string, LogoData | undefined>();

  constructor(
    private readonly deps: {
      sealer: Sealer;
      logo: (id: string) => Promise<LogoData | undefined>;
      baseUrl: string;
      mailFrom: string;
    },
  ) {}

  async compose(
    inv: ClaimedInvitation,
    survey: SurveyDetail,
    contact: MailContact,
    reminder: boolean,
  ): Promise<SurveyEmail> {
    if (!inv.tokenSealed) throw new Error('the invitation has no link token');
    const logo = await this.logoOf(survey.logoId);
    return renderSurveyEmail({
      survey,
      contact: { email: contact.email, name: contact.name ?? '', locale: contact.locale ?? '' },
      token: this.deps.sealer.open(inv.tokenSealed),
      invitationId: String(inv._id),
      baseUrl: this.deps.baseUrl,
      mailFrom: this.deps.mailFrom,
      reminder,
      ...(logo ? { logo } : {}),
    });
  }

  private async logoOf(id: string | undefined): Promise<LogoData | undefined> {
    if (!id) return undefined;
    if (!this.logos.has(id)) this.logos.set(id, await this.deps.logo(id));
    return this.logos.get(id);
  }
}
