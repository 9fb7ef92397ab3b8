/** The running processes of a bench run and what every phase shares: targets, agents, log, reply shape. */
import { createAgent, type LoadTarget } from './load.js';
import { replyText, type Plan } from './plan.js';
import {
  buildServer,
  createPostgresDatabase,
  directTarget,
  startBestAI,
  startContractFloor,
  startFakeProviderProcess,
  startPortkey,
  type BestAIProcess,
  type FakeProviderProcess,
  type ReplyShape,
} from './targets.js';

export interface Lab {
  fake: FakeProviderProcess;
  targets: LoadTarget[];
  bestAIs: BestAIProcess[];
  agents: Map<string, ReturnType<typeof createAgent>>;
  notes: string[];
}

export function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function setReply(lab: Lab, shape: Omit<ReplyShape, 'text'>): Promise<void> {
  await lab.fake.setReply({ ...shape, text: replyText });
}

/**
 * Builds the server and starts the fake, the BestAI targets, Portkey and (with PostgreSQL) the contract floor;
 * each stop goes on `stack`.
 * `selectedTargets` (names beside `direct`) limits which start; all by default.
 */
export async function startLab(
  plan: Plan,
  stack: (() => Promise<void>)[],
  selectedTargets?: ReadonlySet<string>,
): Promise<Lab> {
  const notes: string[] = [];
  const wants = (name: string): boolean => !selectedTargets || selectedTargets.has(name);
  const entry = await buildServer();
  const fake = await startFakeProviderProcess();
  stack.push(fake.stop);
  const adminUrl = process.env.TEST_DATABASE_URL;
  const database = adminUrl && wants('bestai-postgres') ? await createPostgresDatabase(adminUrl) : undefined;
  if (database) stack.push(database.drop);
  const floorDatabase = adminUrl && wants('floor') ? await createPostgresDatabase(adminUrl) : undefined;
  if (floorDatabase) stack.push(floorDatabase.drop);
  else if (!adminUrl) notes.push('TEST_DATABASE_URL was not set: BestAI ran on embedded PGlite only.');
  const [pglite, postgres, portkey] = await Promise.all([
    wants('bestai-pglite')
      ? startBestAI({ name: 'bestai-pglite', label: 'BestAI (PGlite)', fake, entry })
      : undefined,
    database
      ? startBestAI({
          name: 'bestai-postgres',
          label: 'BestAI (PostgreSQL)',
          fake,
          entry,
          databaseUrl: database.url,
        })
      : undefined,
    wants('portkey') ? startPortkey(fake) : undefined,
  ]);
  const floor = floorDatabase ? await startContractFloor(fake, floorDatabase.url) : undefined;
  if (floor) stack.push(floor.stop);
  const bestAIs = [pglite, postgres].filter((started) => started !== undefined);
  for (const started of [...bestAIs, portkey]) if (started) stack.push(started.stop);
  const targets = [
    directTarget(fake),
    ...bestAIs.map((started) => started.target),
    ...(portkey ? [portkey.target] : []),
    ...(floor ? [floor.target] : []),
  ];
  const connections = Math.max(
    ...plan.shapes.flatMap((shape) => shape.levels.map((level) => level.concurrency)),
  );
  const agents = new Map(targets.map((target) => [target.name, createAgent(connections)]));
  return { fake, targets, bestAIs, agents, notes };
}
