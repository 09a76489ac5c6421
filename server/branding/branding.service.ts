import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

import { ConflictError } from '../lib/errors.js';
import { surveyIdOf, surveyNotFound } from '../surveys/survey-id.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { messages as surveysMessages } from '../surveys/surveys.messages.js';
import type { BrandLogoModel } from './brand-logo.model.js';
import type { BrandSettingsInput } from './branding.schemas.js';
import { displaySize, inspectLogo } from './logo.js';

export { inspectLogo, MAX_LOGO_BYTES } from './logo.js';

export interface LogoInfo {
  id: string;
  contentType: string;
  bytes: number;
  sha256: string;
  /** Display size in the email: at most LOGO_DISPLAY_WIDTH wide, in proportion. */
  width: number;
  height: number;
}

/** The logo the email embeds: its bytes, with the display size. */
export interface LogoData extends LogoInfo {
  data: Buffer;
}

type LogoDoc = {
  _id: mongoose.Types.ObjectId;
  contentType: string;
  bytes: number;
  sha256: string;
  width: number;
  height: number;
  data?: unknown;
};

function infoOf(doc: LogoDoc): LogoInfo {
  return {
    id: String(doc._id),
    contentType: doc.contentType,
    bytes: doc.bytes,
    sha256: doc.sha256,
    ...displaySize(doc.width, doc.height),
  };
}

function bufferOf(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof mongoose.mongo.Binary) return Buffer.from(data.buffer);
  throw new Error('logo data is not binary');
}

/**
 * Branded email per survey: logo, accent colour and footer text (the postal address bulk-sender rules
 * expect). The sender name lives with the survey's other email settings. The only writer of
 * `brandLogos`; the survey's brand fields are written through the survey store.
 */
export class BrandingService {
  constructor(private readonly deps: { surveys: SurveyStore; logos: BrandLogoModel }) {}

  /** The survey's brand settings, with the logo's details (not its bytes). */
  async get(surveyId: string): Promise<{ accentColor: string; footerText: string; logo: LogoInfo | undefined }> {
    const survey = await this.deps.surveys.findById(surveyIdOf(surveyId));
    if (!survey) throw surveyNotFound();
    const logoId = survey.brand?.logoId;
    const logo = logoId ? await this.deps.logos.findById(logoId).select('-data').lean<LogoDoc>() : null;
    return {
      accentColor: survey.brand?.accentColor ?? '',
      footerText: survey.brand?.footerText ?? '',
      logo: logo ? infoOf(logo) : undefined,
    };
  }

  async update(surveyId: string, input: BrandSettingsInput): Promise<void> {
    const survey = await this.openSurvey(surveyId);
    await this.deps.surveys.setBrand(survey._id, input);
  }

  /** Checks the bytes are a PNG, JPEG or GIF of at most 100 KB, stores them and makes them the survey's logo. */
  async saveLogo(surveyId: string, data: Buffer): Promise<LogoInfo> {
    const { surveys, logos } = this.deps;
    const survey = await this.openSurvey(surveyId);
    const { contentType, width, height } = inspectLogo(data);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const doc = await logos.create({
      surveyId: survey._id,
      data,
      contentType,
      bytes: data.length,
      sha256,
      width,
      height,
    });
    await surveys.setLogo(survey._id, doc._id);
    // Earlier logos go once they are an hour old, not at once: two uploads racing must not delete
    // the one the survey ends up pointing to. Real time, as Mongoose stamps createdAt with it.
    const current = (await surveys.findById(survey._id))?.brand?.logoId ?? doc._id;
    await logos.deleteMany({
      surveyId: survey._id,
      _id: mongoose.trusted({ $nin: [doc._id, current] }),
      createdAt: mongoose.trusted({ $lt: new Date(Date.now() - 3_600_000) }),
    });
    return infoOf(doc);
  }

  async removeLogo(surveyId: string): Promise<void> {
    const survey = await this.openSurvey(surveyId);
    await this.deps.surveys.setLogo(survey._id, undefined);
    await this.deps.logos.deleteMany({ surveyId: survey._id });
  }

  /** A logo with its bytes, by id (what the email embeds) or by content hash (the outbox viewer). */
  async logo(by: { id: string } | { sha256: string }): Promise<LogoData | undefined> {
    const { logos } = this.deps;
    let doc: LogoDoc | null = null;
    if ('id' in by) doc = mongoose.isValidObjectId(by.id) ? await logos.findById(by.id).lean<LogoDoc>() : null;
    else if (/^[a-f0-9]{64}$/.test(by.sha256)) doc = await logos.findOne({ sha256: by.sha256 }).lean<LogoDoc>();
    return doc ? { ...infoOf(doc), data: bufferOf(doc.data) } : undefined;
  }

  private async openSurvey(surveyId: string) {
    const survey = await this.deps.surveys.findById(surveyIdOf(surveyId));
    if (!survey) throw surveyNotFound();
    if (survey.status === 'closed') throw new ConflictError(surveysMessages.closed, 'SURVEY_CLOSED');
    return survey;
  }
}
