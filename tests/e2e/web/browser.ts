/**
 * Headless Chromium for the web e2e tests (playwright-core driving Debian's /usr/bin/chromium),
 * plus a loopback canary server that counts hits (B5) and a helper to serve an attacker page.
 */
import { type Browser, chromium, type Page } from "playwright-core";

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

/**
 * Collects page errors and CSP violations of `page`, so anything injected that tried to run
 * shows up: returns the live list of page errors; read violations with {@link cspViolations}.
 */
export async function watchPage(page: Page): Promise<string[]> {
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  // A string, not a function: this runs in the page (DOM types are not in the Deno checker).
  await page.addInitScript({
    content: `globalThis.cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => globalThis.cspViolations.push(e.violatedDirective));`,
  });
  return problems;
}

/** The CSP directives the page reported as violated since it loaded. */
export async function cspViolations(page: Page): Promise<string[]> {
  return await page.evaluate(() =>
    (globalThis as unknown as { cspViolations?: string[] }).cspViolations ?? []
  );
}
