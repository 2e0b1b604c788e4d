// Our client against the Autobahn|Testsuite's fuzzingserver
// (`wstest -m fuzzingserver -s fuzzingserver.json`, listening on
// ws://127.0.0.1:9001 unless AUTOBAHN says otherwise): asks for the number of
// cases, runs each one with a WebSocket that echoes every message back as it
// came, then asks the suite to write its reports (reports/clients/index.html).
// Runs unchanged on `deno run -A examples/autobahn_client.ts`,
// `bun examples/autobahn_client.ts` and `node examples/autobahn_client.ts`
// (Node >= 22.18). CASES=1-20 runs only those.
import { WebSocket } from "../src/mod.ts";

const env = globalThis.process?.env ?? {};
const base = env.AUTOBAHN ?? "ws://127.0.0.1:9001";
const agent = "wasmws";

/** One connection to `path`: resolves when it closes, with the text messages it received. */
function connect(path: string, echo: boolean): Promise<string[]> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base}${path}`);
    ws.binaryType = "arraybuffer";
    const texts: string[] = [];
    ws.addEventListener("message", (event) => {
      if (echo) ws.send(event.data);
      else if (typeof event.data === "string") texts.push(event.data);
    });
    ws.addEventListener("close", () => resolve(texts));
  });
}

const [count] = await connect("/getCaseCount", false);
const [first, last] = (env.CASES ?? `1-${count}`).split("-").map(Number);
for (let n = first; n <= (last ?? first); n++) {
  await connect(`/runCase?case=${n}&agent=${agent}`, true);
  if (n % 50 === 0) console.log(`${n} of ${count} cases`);
}
await connect(`/updateReports?agent=${agent}`, false);
console.log(`ran cases ${first}-${last ?? first} of ${count}; see the suite's reports/clients/index.html`);
