import { z } from 'zod';

/** HTML checkboxes send "on" when ticked and nothing when not (the API may send true). */
export const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());

/**
 * A whole number typed in a form field, in [min, max]: `message` names the range ("Enter a number of
 * days from 1 to 30."), `wholeMessage` is shown for a fraction.
 */
export function wholeNumberField(min: number, max: number, message: string, wholeMessage = message) {
  return z.coerce
    .number({ error: message })
    .int({ error: wholeMessage })
    .min(min, { error: message })
    .max(max, { error: message });
}
