import type { SurveyStatus } from './survey.model.js';

export const STATUS_ACTIONS = ['activate', 'pause', 'resume', 'close'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/**
 * Which status each action leads to, and from which statuses it is allowed. Closed is final. Every
 * status change (a manager's, or the send worker pausing a failing survey) goes through this table.
 */
export const TRANSITIONS: Record<StatusAction, { from: readonly SurveyStatus[]; to: SurveyStatus }> = {
  activate: { from: ['draft'], to: 'active' },
  pause: { from: ['active'], to: 'paused' },
  resume: { from: ['paused'], to: 'active' },
  close: { from: ['draft', 'active', 'paused'], to: 'closed' },
};

/** The past tense people read: "cannot be activated now". */
export function actionVerb(action: StatusAction): string {
  return action === 'close' ? 'closed' : `${action}d`;
}
