// An MCP client that is not ocs's own SDK: the official TypeScript SDK, driving `ocs mcp` over stdio.
// Usage: node node-client.mjs COMMAND ARGS... (the server to start); prints one JSON object with what it saw.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [command, ...args] = process.argv.slice(2);
const transport = new StdioClientTransport({ command, args, env: process.env, stderr: "inherit" });
const client = new Client({ name: "ocs-node-check", version: "1.0.0" });
const seen = {};
try {
  await client.connect(transport);
  seen.server = client.getServerVersion();
  seen.capabilities = client.getServerCapabilities();
  seen.tools = (await client.listTools()).tools.map((t) => t.name);
  const long = { timeout: 120000 };
  seen.send = await client.callTool({ name: "send_prompt", arguments: { prompt: "hello from node ✓" } }, undefined, long);
  seen.unknown = await client.callTool({ name: "inspect_session", arguments: { session_id: "ses_unknown00000" } });
  seen.badArgument = await client.callTool({ name: "inspect_session", arguments: { session_id: 42 } })
    .catch((e) => ({ thrown: String(e) }));
  const abort = new AbortController();
  const started = Date.now();
  const hanging = client.callTool({ name: "send_prompt", arguments: { prompt: "HANG from node", abort_on_cancel: true } },
    undefined, { signal: abort.signal, timeout: 120000 });
  setTimeout(() => abort.abort("the user pressed stop"), 3000);
  seen.cancelled = await hanging.then(() => "not cancelled", (e) => String(e));
  seen.cancelledAfterMs = Date.now() - started;
  seen.list = await client.callTool({ name: "list_sessions", arguments: { limit: 5 } });
} catch (e) {
  seen.error = String(e && e.stack || e);
} finally {
  await client.close().catch(() => {});
}
process.stdout.write(JSON.stringify(seen) + "\n");
