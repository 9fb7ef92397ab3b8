/**
 * The contract floor: the least any gateway that keeps BestAI's promise can add to the first token. It does
 * only what the contract requires before the provider is called — store the visitor's message durably on
 * PostgreSQL (one insert, one commit) — and then relays the provider's stream byte for byte. No framework,
 * no visitor check, no key, no parsing. `node --import tsx bench/contract-floor-server.ts <db-url> <fake-url>`;
 * prints "listening on <port>".
 */
import http from 'node:http';
import pg from 'pg';

const [databaseUrl, fakeUrl] = process.argv.slice(2) as [string, string];
const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
await pool.query(
  `create table if not exists contract_floor_messages (
     id uuid primary key, conversation_id uuid not null, content text not null,
     created_at timestamptz not null default now())`,
);
const upstream = new URL('/openai/v1/chat/completions', fakeUrl);
const agent = new http.Agent({ keepAlive: true });
const conversationId = crypto.randomUUID();

const server = http.createServer((request, response) => {
  let body = '';
  request.setEncoding('utf8');
  request.on('data', (piece: string) => (body += piece));
  request.on('end', () => {
    pool
      .query({
        name: 'store_message',
        text: 'insert into contract_floor_messages (id, conversation_id, content) values ($1, $2, $3)',
        values: [crypto.randomUUID(), conversationId, body],
      })
      .then(() => {
        const call = http.request(
          upstream,
          {
            method: 'POST',
            agent,
            headers: {
              authorization: request.headers.authorization ?? '',
              'content-type': 'application/json',
              accept: 'text/event-stream',
            },
          },
          (reply) => {
            response.writeHead(reply.statusCode ?? 502, { 'content-type': 'text/event-stream' });
            reply.pipe(response);
          },
        );
        call.on('error', () => response.destroy());
        call.end(body);
      })
      .catch(() => response.writeHead(500).end());
  });
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on ${(server.address() as { port: number }).port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
