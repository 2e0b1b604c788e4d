// Headless Chromium (Debian's) loading a page from our server's fetch handler:
// the browser's own WebSocket talks to our server — echo of text and binary,
// a fragmented-free exchange of ping/pong is the browser's business, closes both ways.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve, type Server } from "../../src/mod.ts";
import { until } from "../_helpers/events.ts";

const CHROMIUM = "/usr/bin/chromium";
const nodeMajor = Number(
  (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node?.split(".")[0],
);
const isNodeOnly = !(globalThis as { Deno?: unknown; Bun?: unknown }).Deno && !(globalThis as { Bun?: unknown }).Bun;
const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is not installed (apt-get install chromium)`
  : isNodeOnly && nodeMajor < 22
  ? "puppeteer-core 25 needs Node >= 22.12; the browser pair runs on Deno, Bun, Node 22 and 24"
  : undefined;

const PAGE = `<!doctype html><meta charset="utf-8"><script>
window.results = (async () => {
  const out = {};
  const ws = new WebSocket(location.href.replace(/^http/, "ws"));
  ws.binaryType = "arraybuffer";
  const next = () => new Promise((resolve) => ws.addEventListener("message", (e) => resolve(e.data), { once: true }));
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  ws.send("héllo from the browser");
  out.text = await next();
  const bytes = new Uint8Array(1 << 20).map((_, i) => i * 7);
  ws.send(bytes);
  const back = new Uint8Array(await next());
  out.binary = back.length === bytes.length && back.every((b, i) => b === bytes[i]);
  ws.send("close please");
  const close = await new Promise((resolve) => ws.onclose = resolve);
  out.close = [close.code, close.reason, close.wasClean];
  const second = new WebSocket(location.href.replace(/^http/, "ws"));
  await new Promise((resolve) => second.onopen = resolve);
  second.close(3001, "browser leaving");
  const closed = await new Promise((resolve) => second.onclose = resolve);
  out.clientClose = [closed.code, closed.wasClean];
  return out;
})();
</script>`;

describe("headless Chromium → our server", { skip }, () => {
  let server: Server;
  const serverCloses: Array<[number, string, boolean]> = [];
  let profile = "";
  before(async () => {
    profile = mkdtempSync(join(tmpdir(), "wasmws-chromium-"));
    server = await serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: () => new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } }),
      websocket(ws) {
        ws.binaryType = "arraybuffer";
        ws.addEventListener(
          "message",
          (event) => event.data === "close please" ? ws.close(4000, "as you wish") : ws.send(event.data),
        );
        ws.addEventListener("close", (event) => serverCloses.push([event.code, event.reason, event.wasClean]));
      },
    });
  });
  after(async () => {
    await server.shutdown();
    rmSync(profile, { recursive: true, force: true });
  });

  it("echoes text and binary, and closes from either side", async () => {
    const { default: puppeteer } = await import("puppeteer-core");
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address.port}/`);
      const results = await page.evaluate("window.results");
      assert.deepEqual(results, {
        text: "héllo from the browser",
        binary: true,
        close: [4000, "as you wish", true],
        clientClose: [3001, true],
      });
      await until(() => serverCloses.length >= 2);
      assert.deepEqual(serverCloses.map(([code, , clean]) => [code, clean]), [[4000, true], [3001, true]]);
    } finally {
      await browser.close();
    }
  });
});
