// Test helper, not a test: headless Chromium (Debian's) driven by
// puppeteer-core, running a function in a page served from 127.0.0.1
// (Chromium keeps about:blank pages away from loopback addresses).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const CHROMIUM = "/usr/bin/chromium";

/** Why Chromium cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `${CHROMIUM} is not installed (apt-get install chromium)`;
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const nodeMajor = Number(process.versions.node.split(".")[0]);
  if (g.Deno === undefined && g.Bun === undefined && nodeMajor < 22) {
    return "puppeteer-core 25 needs Node >= 22.12; the browser pair runs on Deno, Bun, Node 22 and 24";
  }
  return undefined;
}

/**
 * Open `http://…` of the ws:// `url` (a page our server's fetch handler
 * serves) and run `fn(WebSocket, url, options)` in it; resolves with its result.
 */
export async function inChromium<Options, Result>(
  url: string,
  fn: (WS: typeof WebSocket, url: string, options: Options) => Promise<Result>,
  options: Options,
): Promise<Result> {
  const { default: puppeteer } = await import("puppeteer-core");
  const profile = mkdtempSync(join(tmpdir(), "wasmws-chromium-"));
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
    await page.goto(url.replace(/^ws/, "http") + "/");
    const script = `(${fn.toString()})(WebSocket, ${JSON.stringify(url)}, ${JSON.stringify(options)})`;
    return await page.evaluate(script) as Result;
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
