import http from 'node:http';

const STARTING_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="5"><title>Starting up</title></head>
<body><main><h1>Starting up</h1>
<p>The service is opening its database. This page reloads in 5 seconds; nothing you sent was lost.</p>
</main></body>
</html>
`;

/**
 * The web server, listening from the first moment of start-up: until `serve(app)` hands requests to
 * the app, /healthz answers 200 (the process is alive), /readyz 503 (not ready yet) and every other
 * request a small 503 page that reloads itself, with Retry-After. So an orchestrator sees the process
 * at once, and a person who opens the page early is told to wait instead of getting a refused
 * connection.
 */
export function startingServer(): { server: http.Server; serve(handler: http.RequestListener): void } {
  let handler: http.RequestListener | undefined;
  const server = http.createServer((req, res) => {
    if (handler) return void handler(req, res);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') return json(503, { status: 'starting' });
    res.writeHead(503, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'retry-after': '5',
      'content-security-policy': "default-src 'none'",
      'x-content-type-options': 'nosniff',
    });
    res.end(req.method === 'HEAD' ? undefined : STARTING_PAGE);
  });
  return {
    server,
    serve(app) {
      handler = app;
    },
  };
}
