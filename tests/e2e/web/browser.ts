/**
 * Headless Chromium for the web e2e tests (playwright-core driving Debian's /usr/bin/chromium),
 * plus a loopback canary server that counts hits (B5) and a helper to serve an attacker page.
 */
import { type Browser, chromium } from "playwright-core";

/** Where CI installs Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

/** True when Chromium is installed; tests are skipped (with a message) otherwise. */
export const HAVE_CHROMIUM = (() => {
  try {
    return Deno.statSync(CHROMIUM).isFile;
  } catch {
    console.warn(`web e2e tests skipped: ${CHROMIUM} is absent (CI installs chromium)`);
    return false;
  }
})();

/** Launches headless Chromium with the project's flags. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** A loopback HTTP server that records every request it gets. */
export interface Recorder {
  url: string;
  hits: string[];
  close(): Promise<void>;
}

/** Serves `page` (HTML) at `/` on `hostname`, recording every request path. */
export function serveRecorder(hostname: string, page = "canary\n"): Recorder {
  const hits: string[] = [];
  const server = Deno.serve({ hostname, port: 0, onListen: () => {} }, (req) => {
    hits.push(`${req.method} ${new URL(req.url).pathname}`);
    return new Response(page, { headers: { "content-type": "text/html; charset=utf-8" } });
  });
  return {
    url: `http://${hostname}:${server.addr.port}`,
    hits,
    close: () => server.shutdown(),
  };
}
