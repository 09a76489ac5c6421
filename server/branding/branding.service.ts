import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import mongoose from 'mongoose';

import { ConflictError, ValidationError } from '../lib/errors.js';
import { surveyIdOf, surveyNotFound } from '../surveys/survey-id.js';
import type { SurveyStore } from '../surveys/survey.store.js';
import { messages as surveysMessages } from '../surveys/surveys.messages.js';
import type { BrandLogoModel } from './brand-logo.model.js';
import type { BrandSettingsInput } from './branding.schemas.js';

export const MAX_LOGO_BYTES = 100 * 1024;
/** Widest logo the email shows (CSS pixels); larger images are scaled down by their width attribute. */
export const LOGO_DISPLAY_WIDTH = 200;
const LOGO_TYPES: Record<string, 'image/png' | 'image/jpeg' | 'image/gif'> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
};

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

export const LOGO_MESSAGE = `Choose a PNG, JPEG or GIF image of at most ${MAX_LOGO_BYTES / 1024} KB.`;

/** What the bytes are, judged by their content (never the file name or the browser's claimed type). */
export function inspectLogo(data: Buffer): {
  contentType: 'image/png' | 'image/jpeg' | 'image/gif';
  width: number;
  height: number;
} {
  if (data.length === 0)
    throw new ValidationError(
      `The file is empty. ${LOGO_MESSAGE}`,
      { logo: `The file is empty. ${LOGO_MESSAGE}` },
      'LOGO_EMPTY',
    );
  if (data.length > MAX_LOGO_BYTES) {
    const msg = `The image is ${Math.ceil(data.length / 1024)} KB; the limit is ${MAX_LOGO_BYTES / 1024} KB, because every email carries it. Save it smaller (a 400 px wide PNG is plenty).`;
    throw new ValidationError(msg, { logo: msg }, 'LOGO_TOO_LARGE');
  }
  let size: ReturnType<typeof imageSize> | undefined;
  try {
    size = imageSize(data);
  } catch {
    size = undefined;
  }
  const contentType = size?.type ? LOGO_TYPES[size.type] : undefined;
  if (!size || !contentType || !size.width || !size.height) {
    const msg = `That file is not a PNG, JPEG or GIF image${size?.type ? ` (it is ${size.type.toUpperCase()}, which many mail clients do not show)` : ''}. ${LOGO_MESSAGE}`;
    throw new ValidationError(msg, { logo: msg }, 'LOGO_NOT_AN_IMAGE');
  }
  if (size.width > 4000 || size.height > 4000) {
    const msg = `The image is ${size.width} × ${size.height} pixels; use one at most 4000 pixels on each side.`;
    throw new ValidationError(msg, { logo: msg }, 'LOGO_TOO_BIG');
  }
  return { contentType, width: size.width, height: size.height };
}

function displaySize(width: number, height: number): { width: number; height: number } {
  const w = Math.min(width, LOGO_DISPLAY_WIDTH);
  return { width: w, height: Math.max(1, Math.round((height * w) / width)) };
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
