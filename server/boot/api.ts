import type { Router } from 'express';

import { apiRouter } from '../api/api.router.js';
import type { AnyEndpoint } from '../api/endpoint.js';
import { contactsApi } from '../contacts/contacts.api.js';
import { exportsApi } from '../exports/exports.api.js';
import { ordersApi } from '../orders/orders.api.js';
import { responsesApi } from '../responses/responses.api.js';
import { summaryApi } from '../results/summary.api.js';
import { invitationsApi } from '../sending/invitations.api.js';
import { surveysApi } from '../surveys/surveys.api.js';
import { triggersApi } from '../triggers/triggers.api.js';
import type { Services } from './services.js';

/** Every API endpoint, each defined beside its domain; this order is the OpenAPI document's. */
export function apiEndpoints(s: Services): AnyEndpoint[] {
  const survey = (id: string) => s.surveys.get(id);
  return [
    ...surveysApi({
      surveys: s.surveys,
      saveBrand: (id, brand) => s.branding.update(id, brand),
      saveAutopilot: (id, input) => s.autopilot.update(id, input),
    }),
    ...contactsApi(s),
    ...invitationsApi(s),
    ...triggersApi(s),
    ...responsesApi({ responses: s.stores.responses, surveyExists: survey }),
    ...summaryApi({ results: s.results }),
    ...exportsApi({ exports: s.exports, survey }),
    ...ordersApi(s),
  ];
}

/** The JSON API's router (server/api/ holds the machinery), built from the services. */
export function apiRouterOf(s: Services): Router {
  return apiRouter({
    endpoints: apiEndpoints(s),
    apiKeys: s.apiKeys,
    counters: s.rateLimits,
    clock: s.clock,
    perMinute: s.config.apiRequestsPerMinute,
    baseUrl: s.config.baseUrl,
  });
}
