/**
 * The demo's "customer website": one shop page on its own origin that embeds the chat widget exactly as
 * a customer would, with one script tag and nothing else.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildEmbedSnippet } from '../../src/chat/embed-snippet.js';

export interface DemoSite {
  readonly url: string;
  /** Puts the widget of `publicId` on the page. */
  embed(bestaiUrl: string, publicId: string): void;
  close(): Promise<void>;
}

const styles = `body{margin:0;font:16px/1.6 system-ui,sans-serif;color:#1f2330;background:#fbfaf7}
header{padding:20px 32px;background:#1f2330;color:#fff;font-weight:700;letter-spacing:.02em}
main{max-width:760px;margin:48px auto;padding:0 24px}h1{font-size:34px;margin:0 0 12px}
.products{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:16px;margin-top:32px}
.product{background:#fff;border:1px solid #e7e3da;border-radius:12px;padding:18px}
.product b{display:block}.demo-label{margin-top:40px;color:#77736a;font-size:14px}`;

function renderPage(snippet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Northwind Coffee (BestAI demo site)</title>
<style>${styles}</style>
</head>
<body>
<header>Northwind Coffee</header>
<main>
<h1>Freshly roasted, shipped in two days</h1>
<p>Single-origin beans, roasted every Monday. Questions about an order, a grind or a subscription? Ask our assistant with the chat button.</p>
<div class="products">
<div class="product"><b>Ethiopia Guji</b>Berry, jasmine · €14</div>
<div class="product"><b>Colombia Huila</b>Caramel, cocoa · €12</div>
<div class="product"><b>House espresso</b>Dark chocolate · €11</div>
</div>
<p class="demo-label">This is the BestAI demo site. The chat answers come from a built-in demo provider, not a real model.</p>
</main>
${snippet}
</body>
</html>
`;
}

/** Starts the shop page on 127.0.0.1 (port 0: any free port). */
export async function startDemoSite(port: number): Promise<DemoSite> {
  let page = renderPage('');
  const server: Server = createServer((request, response) => {
    if ((request.url ?? '/').split('?')[0] !== '/') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const { port: actualPort } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    embed(bestaiUrl, publicId) {
      page = renderPage(buildEmbedSnippet(bestaiUrl, publicId));
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
