import { zxcvbn, zxcvbnOptions } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';

zxcvbnOptions.setOptions({
  dictionary: { ...common.dictionary, ...english.dictionary },
  graphs: common.adjacencyGraphs,
  translations: english.translations,
});

/** zxcvbn's scale: 3 means "safely unguessable: moderate protection from offline slow-hash attacks". */
const MIN_SCORE = 3;
/** zxcvbn's matching grows with length; the first 100 characters decide (longer ones are only stronger). */
const CHECKED_LENGTH = 100;

/**
 * Why a new password is too easy to guess (common, repeated, a keyboard walk, a dictionary word with
 * digits, ...), as a sentence for the form, or undefined when it is strong enough. Uses zxcvbn-ts with
 * its shipped common-password and English dictionaries: nothing is downloaded.
 */
export function passwordWeakness(password: string): string | undefined {
  const result = zxcvbn(password.slice(0, CHECKED_LENGTH));
  if (result.score >= MIN_SCORE) return undefined;
  const warning = result.feedback.warning?.replace(/\.?$/, '.') ?? '';
  return `This password is too easy to guess. ${warning} Use a longer phrase of unrelated words.`.replace(/\s+/g, ' ');
}
