// TEST DOUBLE launcher — runs BulkTestServer (an in-memory imitation of OpenSearch's _bulk API, not a database)
// as a standalone process for demos and the README's example: prints `{"url": "..."}` on stdout once listening; on
// SIGTERM/SIGINT prints what it stored (`{"documents": n, "indices": {...}, "stats": {...}}`) and exits.
// Bundled and started by apps/edge-agent/scripts/run-example.sh.
import { BulkTestServer } from "./bulk-server.js";

const server = await BulkTestServer.start();
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

const report = (): string => {
  const indices: Record<string, number> = {};
  for (const [name, docs] of server.indices) indices[name] = docs.size;
  return JSON.stringify({ documents: server.documentCount(), indices, templates: [...server.templates.keys()], policies: [...server.policies.keys()], stats: server.stats });
};

const shutdown = (): void => {
  process.stdout.write(`${report()}\n`);
  void server.close().then(() => process.exit(0));
};
process.once("SIGTERM", shutdown);
process.once("SIGINT", shutdown);
