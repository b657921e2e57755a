/** The built docs site (`dist/`) as static files: Astro's directory format, never outside the folder. */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
};

/** The file a URL path names inside `root`, or undefined when it would leave `root`. */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const full = normalize(join(root, decoded));
  const base = root.endsWith(sep) ? root : root + sep;
  return full === root || full.startsWith(base) ? full : undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function serveStatic(root: string, pathname: string, req: IncomingMessage, res: ServerResponse): void {
  const full = resolveInside(root, pathname);
  if (!full) return plain(res, 400, 'Bad path\n');
  let file: string | undefined;
  if (pathname.endsWith('/')) file = isFile(join(full, 'index.html')) ? join(full, 'index.html') : undefined;
  else if (isFile(full)) file = full;
  else if (isFile(join(full, 'index.html'))) {
    // `/runbooks/x` -> `/runbooks/x/`, so the page's relative links resolve.
    res.writeHead(301, { Location: `${pathname}/`, 'Cache-Control': 'no-cache' });
    res.end();
    return;
  }
  if (!file) {
    if (!existsSync(join(root, 'index.html'))) {
      return plain(res, 404, 'The docs site is not built here: run `npm run build` (or `astro build`), then reload.\n');
    }
    const notFound = join(root, '404.html');
    return isFile(notFound) ? send(res, 404, notFound, req) : plain(res, 404, 'Not found\n');
  }
  send(res, 200, file, req);
}

function send(res: ServerResponse, status: number, file: string, req: IncomingMessage): void {
  const type = types[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const immutable = /[\\/]_astro[\\/]/.test(file);
  res.writeHead(status, {
    'Content-Type': type,
    'Content-Length': statSync(file).size,
    'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

export function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}
