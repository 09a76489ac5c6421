import type mongoose from 'mongoose';

import { DEFAULT_AUTOPILOT } from '../vocabulary/defaults.js';

export interface AutopilotSettings {
  enabled: boolean;
  everyDays: number;
  newContactDelayDays: number;
  joinDateProperty: string;
  dailyCap: number | undefined;
  samplePercent: number;
  throttleDays: number;
  startedAt: Date | undefined;
}

/** The fields of a survey document the schedule reads. */
export type AutopilotSurveyDoc = {
  _id: mongoose.Types.ObjectId;
  name: string;
  status: string;
  autopilot?: {
    enabled?: boolean | null;
    everyDays?: number | null;
    newContactDelayDays?: number | null;
    joinDateProperty?: string | null;
    dailyCap?: number | null;
    samplePercent?: number | null;
    throttleDays?: number | null;
    startedAt?: Date | null;
    initialSyncDone?: boolean | null;
    syncedAt?: Date | null;
    capDay?: string | null;
    queuedOnCapDay?: number | null;
  } | null;
};

/** A survey's autopilot settings with defaults filled in. */
export function autopilotSettingsOf(survey: Pick<AutopilotSurveyDoc, 'autopilot'>): AutopilotSettings {
  const a = survey.autopilot ?? {};
  return {
    enabled: a.enabled ?? false,
    everyDays: a.everyDays ?? DEFAULT_AUTOPILOT.everyDays,
    newContactDelayDays: a.newContactDelayDays ?? DEFAULT_AUTOPILOT.newContactDelayDays,
    joinDateProperty: a.joinDateProperty ?? '',
    dailyCap: a.dailyCap ?? undefined,
    samplePercent: a.samplePercent ?? DEFAULT_AUTOPILOT.samplePercent,
    throttleDays: a.throttleDays ?? DEFAULT_AUTOPILOT.throttleDays,
    startedAt: a.startedAt ?? undefined,
  };
}
