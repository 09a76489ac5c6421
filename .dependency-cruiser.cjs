/**
 * The import rules `npm run deps:check` enforces (README "Code layout"). Domains may use each other
 * one way only; the composition root (server/boot) is the one place that knows them all.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No module imports itself through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-circular-folders',
      severity: 'error',
      comment: 'No two folders under server/ import each other, however indirectly.',
      scope: 'folder',
      from: { path: '^server/' },
      to: { circular: true },
    },
    {
      name: 'boot-is-the-root',
      severity: 'error',
      comment: 'Only the entry points import the composition root; domains get what they need passed in.',
      from: { path: '^server/', pathNot: ['^server/boot/', '^server/main\\.ts$'] },
      to: { path: '^server/boot/' },
    },
    {
      name: 'lib-stands-alone',
      severity: 'error',
      comment: 'server/lib holds helpers with no knowledge of the product.',
      from: { path: '^server/lib/' },
      to: { path: '^server/', pathNot: '^server/lib/' },
    },
    {
      name: 'vocabulary-stands-alone',
      severity: 'error',
      comment: 'The shared words of the product depend on nothing but lib.',
      from: { path: '^server/vocabulary/' },
      to: { path: '^server/', pathNot: ['^server/vocabulary/', '^server/lib/'] },
    },
    {
      name: 'web-knows-no-domain',
      severity: 'error',
      comment: 'server/web is HTTP plumbing shared by every domain: it must not depend on one.',
      from: { path: '^server/web/' },
      to: {
        path: '^server/',
        pathNot: ['^server/web/', '^server/lib/', '^server/vocabulary/', '^server/config\\.ts$'],
      },
    },
    {
      name: 'models-stay-in-their-domain',
      severity: 'error',
      comment:
        "A domain changes another domain's collection through that domain's store, never its model. " +
        'The read-only queries below (and document types) are the listed exceptions.',
      from: {
        path: '^server/([^/]+)/',
        pathNot: [
          '^server/boot/',
          '^server/results/(response-queries|said-vs-did\\.service|aggregates)\\.ts$',
          '^server/exports/exports\\.service\\.ts$',
          '^server/api/api\\.router\\.ts$',
          '^server/sending/unsubscribe\\.service\\.ts$',
          '^server/autopilot/autopilot(-run|-sync|\\.service)\\.ts$',
        ],
      },
      to: { path: '^server/[^/]+/[^/]+\\.model\\.ts$', pathNot: '^server/$1/' },
    },
    {
      name: 'no-test-code-in-server',
      severity: 'error',
      from: { path: '^(server|scripts)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: 'node_modules' },
  },
};
