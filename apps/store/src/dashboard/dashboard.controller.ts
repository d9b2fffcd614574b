import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DASHBOARD_CSS, DASHBOARD_HTML } from './dashboard.page';

/**
 * Nothing but the store's own origin: no inline script or style, no framing, and a data-driven
 * string that slipped into markup still could not run.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Built next to this file by `tsc -p apps/store/src/dashboard/client` (see package.json). */
const CLIENT_SCRIPT = join(__dirname, 'client', 'app.mjs');

function readClientScript(): string | null {
  try {
    return readFileSync(CLIENT_SCRIPT, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The events dashboard: `/` and its two assets under `/ui/`. The page routes in the URL hash,
 * so it never shadows the JSON API (`/articles`, `/events`, `/docs`, `/health`, `/metrics`).
 */
@ApiExcludeController()
@Controller()
export class DashboardController {
  private readonly script = readClientScript();

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Referrer-Policy', 'no-referrer')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('ui/app.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  style(): string {
    return DASHBOARD_CSS;
  }

  @Get('ui/app.mjs')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  @Header('X-Content-Type-Options', 'nosniff')
  client(): string {
    if (this.script === null) {
      throw new NotFoundException({
        error: `the dashboard script was not built (${CLIENT_SCRIPT}); run npm run build`,
      });
    }
    return this.script;
  }
}
