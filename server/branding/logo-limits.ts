/** Every email carries the logo inline, so it stays small. */
export const MAX_LOGO_BYTES = 100 * 1024;
/** Larger images are refused rather than scaled on the server. */
export const MAX_LOGO_PIXELS = 4000;
/** Widest logo the email shows (CSS pixels); larger images are scaled down by their width attribute. */
export const LOGO_DISPLAY_WIDTH = 200;
