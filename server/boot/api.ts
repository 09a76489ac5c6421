import type { Router } from 'express';

import { apiRouter } from '../api/api.routes.js';
import type { Models } from './models.js';
import type { Services } from './services.js';

/** The JSON API's router, built from the services. */
export function apiRouterOf(services: Services, models: Models): Router {
  return apiRouter({
    models,
    clock: services.clock,
    apiKeys: services.apiKeys,
    surveys: services.surveys,
    contacts: services.contacts,
    contactImports: services.contactImports,
    sendQueue: services.sendQueue,
    results: services.results,
    exports: services.exports,
    branding: services.branding,
    autopilot: services.autopilot,
    triggers: services.triggers,
    perMinute: services.config.apiRequestsPerMinute,
    baseUrl: services.config.baseUrl,
  });
}
