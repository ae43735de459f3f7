// Drives the official TypeScript MCP SDK's client against a server, for the Python tests.
// Usage: node client.mjs '<plan as JSON>'; the plan is {url, headers, steps: [...]}; prints one JSON
// object: {results: [...]} with one entry per step, or {error, code} when connecting failed.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const plan = JSON.parse(process.argv[2]);
const transport = new StreamableHTTPClientTransport(new URL(plan.url), {
  requestInit: { headers: plan.headers ?? {} },
});
const client = new Client({ name: "mountui-tests", version: "1.0.0" });

async function step(action) {
  if (action.op === "list") {
    return (await client.listTools()).tools;
  }
  if (action.op === "call") {
    const progress = [];
    const result = await client.callTool(
      { name: action.name, arguments: action.arguments ?? {} },
      undefined,
      { onprogress: (update) => progress.push(update) },
    );
    return { result, progress };
  }
  if (action.op === "cancel") {
    const controller = new AbortController();
    setTimeout(() => controller.abort("enough"), action.after_ms);
    try {
      await client.callTool({ name: action.name, arguments: action.arguments ?? {} }, undefined, {
        signal: controller.signal,
      });
      return { cancelled: false };
    } catch (error) {
      return { cancelled: controller.signal.aborted, message: String(error) };
    }
  }
  throw new Error(`unknown step ${action.op}`);
}

try {
  await client.connect(transport);
} catch (error) {
  console.log(JSON.stringify({ error: String(error), code: error.code ?? null }));
  process.exit(0);
}
const results = [];
for (const action of plan.steps) {
  results.push(await step(action));
}
await client.close();
console.log(JSON.stringify({ results }));
