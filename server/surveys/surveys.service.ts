import type { Models } from '../db/models.js';
import { DEFAULT_QUESTIONS, type SurveyStatus } from './survey.model.js';
import type { SurveyInput } from './surveys.schemas.js';

export interface SurveySummary {
  id: string;
  name: string;
  companyName: string;
  status: SurveyStatus;
  createdAt: Date | undefined;
}

export function createSurveysService(deps: { surveys: Models['surveys'] }) {
  const { surveys } = deps;
  return {
    /** Every survey, newest first. */
    async list(): Promise<SurveySummary[]> {
      const docs = await surveys.find({}).sort({ createdAt: -1 }).limit(500).lean();
      return docs.map((d) => ({ id: String(d._id), name: d.name, companyName: d.companyName, status: d.status, createdAt: d.createdAt ?? undefined }));
    },

    /** Creates a draft survey with the standard question wording. */
    async create(input: SurveyInput, ownerId: string): Promise<SurveySummary> {
      const doc = await surveys.create({ ...input, questions: { ...DEFAULT_QUESTIONS }, status: 'draft', ownerId });
      return { id: String(doc._id), name: doc.name, companyName: doc.companyName, status: doc.status, createdAt: doc.createdAt ?? undefined };
    },
  };
}

export type SurveysService = ReturnType<typeof createSurveysService>;
