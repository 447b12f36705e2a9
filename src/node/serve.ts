import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { packageRoot } from './paths.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
};

/** The built browser app (npm run build puts it in dist/web). */
export function webRoot(): string {
  return join(packageRoot(), 'dist', 'web');
}

/**
 * Serves the browser app from this machine. Cross-origin isolation headers (COOP/COEP) let the page
 * use SharedArrayBuffer for parallel workers; the page itself requests nothing from other hosts.
 * Only GET/HEAD of files under the app folder; loopback by default.
 */
export function serveApp(root: string, port: number, host: string): Promise<{ server: Server; url: string }> {
  if (!existsSync(join(root, 'index.html')))
    throw new Error(`the browser app is not built (${root}/index.html missing): run npm run build`);
  const base = resolve(root);
  const server = createServer((req, res) => {
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = resolve(base, normalize(`.${path === '/' ? '/index.html' : path}`));
    if (!(file === base || file.startsWith(base + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      const addr = server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      ok({ server, url: `http://${host.includes(':') ? `[${host}]` : host}:${p}/` });
    });
  });
}
