/** What the branding pages tell people, in one place (ready for translation). */
import { MAX_LOGO_BYTES, MAX_LOGO_PIXELS } from './logo-limits.js';

const choose = `Choose a PNG, JPEG or GIF image of at most ${MAX_LOGO_BYTES / 1024} KB.`;
const smaller = 'Save it smaller (a 400 px wide PNG is plenty).';

export const messages = {
  chooseLogo: choose,
  noFile: `Choose an image file. ${choose}`,
  empty: `The file is empty. ${choose}`,
  uploadTooLarge: `The image is larger than ${MAX_LOGO_BYTES / 1024} KB, the limit, because every email carries it. ${smaller}`,
  tooLarge: (bytes: number) =>
    `The image is ${Math.ceil(bytes / 1024)} KB; the limit is ${MAX_LOGO_BYTES / 1024} KB, because every email carries it. ${smaller}`,
  notAnImage: (type: string | undefined) =>
    `That file is not a PNG, JPEG or GIF image${type ? ` (it is ${type.toUpperCase()}, which many mail clients do not show)` : ''}. ${choose}`,
  tooManyPixels: (width: number, height: number) =>
    `The image is ${width} × ${height} pixels; use one at most ${MAX_LOGO_PIXELS} pixels on each side.`,
  noLogo: 'This survey has no logo.',
  saved: 'Colour and footer saved. The preview shows them.',
  logoSaved: 'Logo saved. It appears at the top of every survey email from now on.',
  logoRemoved: 'Logo removed.',
};
