/** Builds BestAI (server, admin console, widget) when the build is missing. */
export function ensureBuilt(): Promise<void>;
