// Shared plumbing for the browser tests: a headless Chromium, a real companion
// server per test, pages opened each in their own browser context, and a
// record of every console error, uncaught exception and CSP violation.
import { chromium } from 'playwright-core';
import { CompanionServer, defaultEvent } from '../integration/lib/harness.mjs';

export { defaultEvent };

const chromiumPath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

export async function launchBrowser() {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

// Starts a server; `port` pins the listen port (to restart on the same address),
// `args` adds command-line options (e.g. --replay FILE).
export async function startServer({ dataDir, port, args: extra = [] } = {}) {
  const args = [...(port ? ['--listen', `127.0.0.1:${port}`] : []), ...extra];
  const server = new CompanionServer({ ...(dataDir ? { dataDir } : {}), args });
  await server.start();
  return server;
}

// One test's world: a server, its pages, and everything to tear down afterwards.
export class Stage {
  constructor(browser) {
    this.browser = browser;
    this.contexts = [];
    this.servers = [];
    this.problems = [];  // {page, kind, text}
  }

  async server(options) {
    const server = await startServer(options);
    this.servers.push(server);
    return server;
  }

  // Opens `path` on `server` in a fresh browser context and watches it.
  // `beforeLoad(page)` runs before navigation, e.g. to listen to the page's WebSocket.
  // `context` adds browser context options (e.g. timezoneId).
  async open(server, path, { name = path, viewport = { width: 1280, height: 800 }, isMobile = false, beforeLoad, context: extra = {} } = {}) {
    const context = await this.browser.newContext({ viewport, isMobile, hasTouch: isMobile, deviceScaleFactor: 1, ...extra });
    this.contexts.push(context);
    const page = await context.newPage();
    page.dialogs = [];
    page.on('dialog', (dialog) => {
      page.dialogs.push(dialog.message());
      dialog.dismiss().catch(() => {});
    });
    page.on('console', (message) => {
      if (message.type() === 'error') this.problems.push({ page: name, kind: 'console', text: message.text() });
    });
    page.on('pageerror', (error) => this.problems.push({ page: name, kind: 'pageerror', text: String(error) }));
    // CSP violations also reach the console, but the event names the directive precisely.
    await page.exposeFunction('__reportCsp', (text) => this.problems.push({ page: name, kind: 'csp', text }));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (ev) => {
        window.__reportCsp(`${ev.violatedDirective} blocked ${ev.blockedURI}`);
      });
    });
    if (beforeLoad) await beforeLoad(page);
    await page.goto(server.url + path);
    return page;
  }

  viewer(server, options = {}) {
    return this.open(server, '/', { name: options.name ?? 'viewer', viewport: { width: 390, height: 844 }, isMobile: true, ...options });
  }

  producer(server, options = {}) {
    return this.open(server, `/produce#token=${server.token('producer')}`, { name: 'producer', ...options });
  }

  moderator(server, options = {}) {
    return this.open(server, `/moderate#token=${server.token('moderator')}`, { name: 'moderator', ...options });
  }

  async close() {
    for (const context of this.contexts) await context.close().catch(() => {});
    for (const server of this.servers) {
      try {
        await server.stop();
      } finally {
        server.cleanup();
      }
    }
  }
}

// Waits until a page's connection indicator says connected.
export async function waitConnected(page, timeout = 10000) {
  await page.waitForSelector('[data-testid=connection-state][data-state=connected]', { timeout });
}

// Text of a test id, trimmed.
export async function textOf(page, testid) {
  return (await page.locator(`[data-testid=${testid}]`).first().textContent())?.trim() ?? '';
}

export async function waitText(page, testid, expected, timeout = 5000) {
  await page.waitForFunction(
    ([id, want]) => {
      const node = document.querySelector(`[data-testid=${id}]`);
      return Boolean(node && node.textContent.includes(want));
    },
    [testid, expected],
    { timeout },
  );
}
