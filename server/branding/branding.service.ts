import { createHash } from 'node:crypto';
import { imageSize } from 'image-size';
import mongoose from 'mongoose';

import type { Models } from '../boot/models.js';
import { ConflictError, NotFoundError, ValidationError } from '../lib/errors.js';
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
 * expect). The sender name lives with the survey's other email settings.
 */
export function createBrandingService(deps: { models: Models }) {
  const { models } = deps;

  function idOf(surveyId: string): mongoose.Types.ObjectId {
    if (!mongoose.isValidObjectId(surveyId)) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
    return new mongoose.Types.ObjectId(surveyId);
  }

  async function openSurvey(surveyId: string) {
    const survey = await models.surveys.findById(idOf(surveyId)).select('status brand').lean();
    if (!survey) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
    if (survey.status === 'closed')
      throw new ConflictError('This survey is closed and can no longer be changed.', 'SURVEY_CLOSED');
    return survey;
  }

  return {
    /** The survey's brand settings, with the logo's details (not its bytes). */
    async get(surveyId: string): Promise<{ accentColor: string; footerText: string; logo: LogoInfo | undefined }> {
      const survey = await models.surveys.findById(idOf(surveyId)).select('brand').lean();
      if (!survey) throw new NotFoundError('That survey does not exist.', 'SURVEY_NOT_FOUND');
      const logoId = survey.brand?.logoId;
      const logo = logoId ? await models.brandLogos.findById(logoId).select('-data').lean<LogoDoc>() : null;
      return {
        accentColor: survey.brand?.accentColor ?? '',
        footerText: survey.brand?.footerText ?? '',
        logo: logo ? infoOf(logo) : undefined,
      };
    },

    async update(surveyId: string, input: BrandSettingsInput): Promise<void> {
      const survey = await openSurvey(surveyId);
      await models.surveys.updateOne(
        { _id: survey._id },
        { $set: { 'brand.accentColor': input.accentColor, 'brand.footerText': input.footerText } },
      );
    },

    /** Checks the bytes are a PNG, JPEG or GIF of at most 100 KB, stores them and makes them the survey's logo. */
    async saveLogo(surveyId: string, data: Buffer): Promise<LogoInfo> {
      const survey = await openSurvey(surveyId);
      const { contentType, width, height } = inspectLogo(data);
      const doc = await models.brandLogos.create({
        surveyId: survey._id,
        data,
        contentType,
        bytes: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        width,
        height,
      });
      await models.surveys.updateOne({ _id: survey._id }, { $set: { 'brand.logoId': doc._id } });
      // Earlier logos go once they are an hour old, not at once: two uploads racing must not delete
      // the one the survey ends up pointing to.
      const current =
        (await models.surveys.findById(survey._id).select('brand.logoId').lean())?.brand?.logoId ?? doc._id;
      await models.brandLogos.deleteMany({
        surveyId: survey._id,
        _id: mongoose.trusted({ $nin: [doc._id, current] }),
        createdAt: mongoose.trusted({ $lt: new Date(Date.now() - 3_600_000) }),
      });
      return infoOf(doc);
    },

    async removeLogo(surveyId: string): Promise<void> {
      const survey = await openSurvey(surveyId);
      await models.surveys.updateOne({ _id: survey._id }, { $unset: { 'brand.logoId': 1 } });
      await models.brandLogos.deleteMany({ surveyId: survey._id });
    },

    /** A logo with its bytes, by id (what the email embeds) or by content hash (the outbox viewer). */
    async logo(by: { id: string } | { sha256: string }): Promise<LogoData | undefined> {
      let doc: LogoDoc | null = null;
      if ('id' in by)
        doc = mongoose.isValidObjectId(by.id) ? await models.brandLogos.findById(by.id).lean<LogoDoc>() : null;
      else if (/^[a-f0-9]{64}$/.test(by.sha256))
        doc = await models.brandLogos.findOne({ sha256: by.sha256 }).lean<LogoDoc>();
      return doc ? { ...infoOf(doc), data: bufferOf(doc.data) } : undefined;
    },
  };
}

export type BrandingService = ReturnType<typeof createBrandingService>;
