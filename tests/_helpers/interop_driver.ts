// Test helper, not a test: the interop cases, written once against the web's
// WebSocket interface so the same code drives our client, the runtime's
// native client, the `ws` client and (as source text) headless Chromium.
// It must stay self-contained: Chromium receives it through toString().

/** The cases of every interop pair, in the order of the INTEROP.md columns. */
export const CASES = ["text", "binary 16 MiB", "fragmented", "ping", "close by client", "close by server"] as const;

/** How a pair exercises what the web interface cannot express. */
export interface DriverOptions {
  /** "server": ask the server to ping ("ping me"); or a function that pings and resolves on the pong. */
  ping: "server" | ((ws: WebSocket) => Promise<void>);
  /** "path": the server fragments its echoes on /fragments; a function sends fragments; a string explains n/a. */
  fragments: "path" | ((ws: WebSocket, parts: string[]) => void) | { na: string };
}

/**
 * Run every case against the echo server at `url` (echo; "close please" →
 * close 4000; "ping me" → ping, then "ponged"). Each result is true, "n/a: …"
 * or what went wrong.
 */
export async function runCases(
  WS: typeof WebSocket,
  url: string,
  options: DriverOptions,
): Promise<Record<string, true | string>> {
  const results: Record<string, true | string> = {};
  const open = (path = "") =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WS(url + path);
      ws.binaryType = "arraybuffer";
      ws.onopen = () => resolve(ws);
      ws.onerror = () => reject(new Error("the connection failed"));
    });
  const next = (ws: WebSocket) =>
    new Promise<unknown>((resolve) => ws.addEventListener("message", (e) => resolve(e.data), { once: true }));
  const closed = (ws: WebSocket) =>
    new Promise<string>((resolve) =>
      ws.addEventListener("close", (e) => resolve(`${e.code} ${e.reason} ${e.wasClean}`), { once: true })
    );
  const attempt = async (name: string, body: () => Promise<true | string>) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<string>((resolve) => timer = setTimeout(() => resolve("timed out"), 30_000));
    try {
      results[name] = await Promise.race([body(), timeout]);
    } catch (error) {
      results[name] = `error: ${(error as Error)?.message ?? error}`;
    } finally {
      clearTimeout(timer);
    }
  };
  const expect = (seen: unknown, wanted: unknown) => seen === wanted || `got ${String(seen).slice(0, 80)}`;

  await attempt("text", async () => {
    const ws = await open();
    const text = "héllo wörld 😀 ".repeat(500);
    ws.send(text);
    const echo = await next(ws);
    ws.close();
    return expect(echo, text);
  });
  await attempt("binary 16 MiB", async () => {
    const ws = await open();
    const bytes = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 131 + 7) & 0xff;
    ws.send(bytes);
    const echo = new Uint8Array((await next(ws)) as ArrayBuffer);
    ws.close();
    if (echo.length !== bytes.length) return `got ${echo.length} bytes`;
    for (let i = 0; i < bytes.length; i++) if (echo[i] !== bytes[i]) return `byte ${i} differs`;
    return true;
  });
  await attempt("fragmented", async () => {
    const fragments = options.fragments;
    if (typeof fragments === "object") return `n/a: ${fragments.na}`;
    const ws = await open(fragments === "path" ? "/fragments" : "");
    const parts = ["frag", "men", "ted ✓"];
    if (fragments === "path") ws.send(parts.join(""));
    else fragments(ws, parts);
    const echo = await next(ws);
    ws.close();
    return expect(echo, parts.join(""));
  });
  await attempt("ping", async () => {
    const ws = await open();
    if (options.ping === "server") {
      ws.send("ping me");
      const reply = await next(ws);
      ws.close();
      return expect(reply, "ponged");
    }
    await options.ping(ws);
    ws.close();
    return true;
  });
  await attempt("close by client", async () => {
    const ws = await open();
    const done = closed(ws);
    ws.close(3001, "bye");
    return expect(await done, "3001 bye true");
  });
  await attempt("close by server", async () => {
    const ws = await open();
    const done = closed(ws);
    ws.send("close please");
    return expect(await done, "4000 as you wish true");
  });
  return results;
}
