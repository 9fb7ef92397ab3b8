/**
 * Loaded with `node --import` into the Portkey gateway process that the bench starts; nothing else.
 *
 * 1. Portkey 1.15 appends its `x-portkey-*` headers to the upstream `fetch` Response, whose headers
 *    are immutable under the `@hono/node-server` 1.14.3+ that npm installs beside it, so every chat
 *    call fails with "TypeError: immutable" (Portkey-AI/gateway#1389; its postinstall patch-package
 *    ships no patch for this). Re-wrapping the upstream response, as Portkey-AI/gateway#1551 does,
 *    makes the headers mutable; the body stream is handed on untouched.
 * 2. Portkey listens on every interface; the bench keeps all traffic on loopback, so a listen call
 *    without a host gets 127.0.0.1.
 */
import net from 'node:net';

const upstreamFetch = globalThis.fetch;

globalThis.fetch = async function fetchWithMutableHeaders(input, init) {
  const response = await upstreamFetch(input, init);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...parameters) {
  if (typeof parameters[0] === 'number' && typeof parameters[1] !== 'string') {
    parameters.splice(1, parameters[1] === undefined ? 1 : 0, '127.0.0.1');
  }
  return listen.apply(this, parameters);
};
