/** Logo checks, judged by the bytes alone: pure (and tested). */
import { imageSize } from 'image-size';

import { ValidationError } from '../lib/errors.js';
import { messages } from './branding.messages.js';
import { LOGO_DISPLAY_WIDTH, MAX_LOGO_BYTES, MAX_LOGO_PIXELS } from './logo-limits.js';

export { MAX_LOGO_BYTES };

const LOGO_TYPES: Record<string, 'image/png' | 'image/jpeg' | 'image/gif'> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
};

/** What the bytes are, judged by their content (never the file name or the browser's claimed type). */
export function inspectLogo(data: Buffer): {
  contentType: 'image/png' | 'image/jpeg' | 'image/gif';
  width: number;
  height: number;
} {
  if (data.length === 0) throw new ValidationError(messages.empty, { logo: messages.empty }, 'LOGO_EMPTY');
  if (data.length > MAX_LOGO_BYTES) {
    const msg = messages.tooLarge(data.length);
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
    const msg = messages.notAnImage(size?.type);
    throw new ValidationError(msg, { logo: msg }, 'LOGO_NOT_AN_IMAGE');
  }
  if (size.width > MAX_LOGO_PIXELS || size.height > MAX_LOGO_PIXELS) {
    const msg = messages.tooManyPixels(size.width, size.height);
    throw new ValidationError(msg, { logo: msg }, 'LOGO_TOO_BIG');
  }
  return { contentType, width: size.width, height: size.height };
}

export function displaySize(width: number, height: number): { width: number; height: number } {
  const w = Math.min(width, LOGO_DISPLAY_WIDTH);
  return { width: w, height: Math.max(1, Math.round((height * w) / width)) };
}
