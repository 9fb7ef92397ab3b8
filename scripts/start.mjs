// `npm start`: runs the built server; builds first when the build is missing (a fresh clone), the server,
// the admin console and the widget at the same time.
import { ensureBuilt } from './lib/ensure-built.mjs';

await ensureBuilt();
await import(new URL('../dist/server/main.js', import.meta.url).href);
