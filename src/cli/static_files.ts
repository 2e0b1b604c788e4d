/**
 * `wasmws listen --static DIR`: the files under DIR over plain HTTP on the
 * WebSocket port (GET and HEAD; `index.html` for a directory; nothing
 * outside DIR, whatever the path says).
 *
 * @example
 * ```ts
 * import { staticFiles } from "./static_files.ts";
 * const fetch = staticFiles("./public");
 * const response = await fetch(new Request("http://localhost/index.html"));
 * console.log(response.status);
 * ```
 * @module
 */

import { readFile, stat } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
};

/**
 * A `fetch` handler serving the files under `dir`.
 *
 * @example
 * ```ts
 * import { serve } from "../mod.ts";
 * await serve({ port: 8080, fetch: staticFiles("./public") });
 * ```
 */
export function staticFiles(dir: string): (request: Request) => Promise<Response> {
  const root = resolve(dir);
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method Not Allowed\n", { status: 405, headers: { allow: "GET, HEAD" } });
    }
    let path: string;
    try {
      path = resolve(root, "." + decodeURIComponent(new URL(request.url).pathname));
    } catch {
      return new Response("Bad Request\n", { status: 400 });
    }
    if (path !== root && !path.startsWith(root + sep)) return new Response("Not Found\n", { status: 404 });
    try {
      if ((await stat(path)).isDirectory()) path = resolve(path, "index.html");
      const body = await readFile(path);
      const headers = { "content-type": TYPES[extname(path).toLowerCase()] ?? "application/octet-stream" };
      return new Response(request.method === "HEAD" ? null : body, { headers });
    } catch {
      return new Response("Not Found\n", { status: 404 });
    }
  };
}
