/**
 * The background work this server does: each job kind and the function that handles it. Every instance
 * registers the same table, so any instance can take any job.
 */
import type { AppContext } from './http/app-context.js';
import type { JobHandlers } from './jobs/job-runner.js';

export function createJobHandlers(context: AppContext): JobHandlers {
  void context;
  return {};
}
