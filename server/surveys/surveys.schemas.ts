import { z } from 'zod';

export const surveyInputSchema = z.object({
  name: z
    .string({ error: 'Give the survey a name.' })
    .trim()
    .min(1, { error: 'Give the survey a name, e.g. "Customer NPS 2027".' })
    .max(200, { error: 'Use at most 200 characters.' }),
  companyName: z
    .string({ error: 'Enter the company or product name.' })
    .trim()
    .min(1, { error: 'Enter the company or product name customers know you by.' })
    .max(200, { error: 'Use at most 200 characters.' }),
});
export type SurveyInput = z.infer<typeof surveyInputSchema>;
