/** Shared helpers for the widget's browser tests and bench: Debian Chromium through playwright-core. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** A host page's strictest policy that still lets the widget work: only BestAI's origin for code and calls. */
export const STRICT_CSP =
  "default-src 'none'; script-src {apiOrigin}; connect-src {apiOrigin}; style-src 'none'; img-src 'none'; " +
  "font-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; " +
  "require-trusted-types-for 'script'; trusted-types bestai";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium; fails with the install command when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run \`apt-get install -y chromium\`.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

/** The widget's controls, found by their accessible names (locators pierce the open shadow root). */
export function widgetControls(page: Page) {
  return {
    openButton: page.getByRole('button', { name: 'Open chat', exact: true }),
    closeButton: page.getByRole('button', { name: 'Close chat', exact: true }),
    message: page.getByRole('textbox', { name: 'Message', exact: true }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    newConversation: page.getByRole('button', { name: 'New conversation', exact: true }),
    retry: page.getByRole('button', { name: 'Retry', exact: true }),
    log: page.getByRole('log'),
  };
}
