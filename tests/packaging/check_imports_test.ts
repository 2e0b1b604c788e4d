import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkGraph, roomOf, specifiersOf, topLevelAwaits } from "../../scripts/check_imports.ts";

/** A graph from file → the specifiers it writes, as the script reads them from src/. */
const graph = (files: Record<string, string[]>) => new Map(Object.entries(files));

describe("scripts/check_imports.ts", () => {
  describe("reading a file's imports", () => {
    it("counts type-only imports, re-exports, side-effect and dynamic imports", () => {
      const text = [
        `import type { A } from "./a.ts";`,
        `import { type B, c } from "../b.ts";`,
        `export { d } from "./d.ts";`,
        `export type { E } from "./e.ts";`,
        `import "./f.ts";`,
        `const g = () => import("./g.ts");`,
        `type H = typeof import("./h.ts");`,
      ].join("\n");
      assert.deepEqual(specifiersOf(text), ["./a.ts", "../b.ts", "./d.ts", "./e.ts", "./f.ts", "./g.ts", "./h.ts"]);
    });

    it("skips the examples in doc comments and line comments", () => {
      const text = [
        "/**",
        " * @example",
        " * ```ts",
        ` * import { serve } from "../server/serve.ts";`,
        " * ```",
        " */",
        `// import { x } from "./commented.ts";`,
        `import { real } from "./real.ts";`,
      ].join("\n");
      assert.deepEqual(specifiersOf(text), ["./real.ts"]);
    });
  });

  describe("rooms", () => {
    it("is the first folder under src/, or the entry at the top", () => {
      assert.equal(roomOf("mod.ts"), "entry");
      assert.equal(roomOf("protocol/http1/head.ts"), "protocol");
      assert.equal(roomOf("session/session.ts"), "session");
    });
  });

  describe("the direction entry → server → websocket → client → session → {transport, protocol} → codec → bytes", () => {
    it("accepts a graph that only runs downwards, skipping rooms included", () => {
      assert.deepEqual(
        checkGraph(graph({
          "mod.ts": ["./server/serve.ts", "./websocket/websocket.ts", "./protocol/errors.ts"],
          "server/serve.ts": ["../websocket/websocket.ts", "../transport/select.ts", "../codec/load.ts", "node:net"],
          "websocket/websocket.ts": ["../client/connect.ts", "../session/session.ts"],
          "client/connect.ts": ["../session/session.ts", "../transport/types.ts"],
          "session/session.ts": ["../protocol/connection.ts", "../transport/types.ts"],
          "protocol/connection.ts": ["../codec/mod.ts", "../bytes/growing_buffer.ts"],
          "transport/select.ts": ["./deno.ts"],
          "transport/deno.ts": ["../bytes/frame_pool.ts"],
          "codec/mod.ts": ["../bytes/frame_pool.ts"],
          "codec/load_workerd.ts": ["./_wasm.wasm"],
        })),
        [],
      );
    });

    it("rejects an upward import", () => {
      assert.deepEqual(checkGraph(graph({ "codec/load.ts": ["../session/session.ts"] })), [
        "codec/load.ts imports session/session.ts: codec may not import session",
      ]);
      assert.deepEqual(checkGraph(graph({ "session/session.ts": ["../websocket/websocket.ts"] })), [
        "session/session.ts imports websocket/websocket.ts: session may not import websocket",
      ]);
    });

    it("keeps peers apart: protocol and transport, client and pubsub", () => {
      assert.deepEqual(checkGraph(graph({ "protocol/connection.ts": ["../transport/types.ts"] })), [
        "protocol/connection.ts imports transport/types.ts: protocol may not import transport",
      ]);
      assert.deepEqual(checkGraph(graph({ "client/connect.ts": ["../pubsub/topics.ts"] })), [
        "client/connect.ts imports pubsub/topics.ts: client may not import pubsub",
      ]);
    });

    it("reaches a transport only through transport/select.ts, or from the Node entry", () => {
      assert.deepEqual(checkGraph(graph({ "server/serve.ts": ["../transport/deno.ts"] })), [
        "server/serve.ts imports transport/deno.ts: transports are reached through transport/select.ts",
      ]);
      assert.deepEqual(checkGraph(graph({ "mod.ts": ["./transport/bun.ts"] })), [
        "mod.ts imports transport/bun.ts: transports are reached through transport/select.ts",
      ]);
      assert.deepEqual(
        checkGraph(graph({ "node.ts": ["./transport/node.ts"], "transport/bun.ts": ["./bun_api.ts"] })),
        [],
      );
    });

    it("places extensions below the session and pubsub between the websocket and the session", () => {
      assert.deepEqual(
        checkGraph(graph({
          "server/serve.ts": ["../pubsub/topics.ts", "../extensions/deflate.ts"],
          "websocket/websocket.ts": ["../pubsub/topics.ts"],
          "client/connect.ts": ["../extensions/deflate.ts"],
          "session/session.ts": ["../extensions/deflate.ts"],
          "pubsub/topics.ts": ["../session/session.ts", "../protocol/errors.ts", "../bytes/frame_pool.ts"],
          "extensions/deflate.ts": ["../protocol/extensions.ts", "../codec/mod.ts", "../bytes/growing_buffer.ts"],
        })),
        [],
      );
      assert.deepEqual(checkGraph(graph({ "extensions/deflate.ts": ["../session/session.ts"] })), [
        "extensions/deflate.ts imports session/session.ts: extensions may not import session",
      ]);
      assert.deepEqual(checkGraph(graph({ "pubsub/topics.ts": ["../websocket/websocket.ts"] })), [
        "pubsub/topics.ts imports websocket/websocket.ts: pubsub may not import websocket",
      ]);
    });

    it("lets the CLI use the entries only, and only an entry use the CLI", () => {
      assert.deepEqual(
        checkGraph(graph({ "cli.ts": ["./cli/main.ts"], "cli/main.ts": ["../mod.ts", "./args.ts"] })),
        [],
      );
      assert.deepEqual(checkGraph(graph({ "cli/main.ts": ["../server/serve.ts"] })), [
        "cli/main.ts imports server/serve.ts: cli may not import server",
      ]);
      assert.deepEqual(checkGraph(graph({ "server/serve.ts": ["../cli/main.ts"] })), [
        "server/serve.ts imports cli/main.ts: server may not import cli",
      ]);
    });

    it("names a folder it does not know instead of letting it through", () => {
      assert.deepEqual(checkGraph(graph({ "widgets/knob.ts": ["../bytes/frame_pool.ts"] })), [
        "widgets/knob.ts: src/widgets/ is not a known room (add it to LAYERS)",
      ]);
    });

    it("rejects runtime dependencies and imports from outside src/", () => {
      assert.deepEqual(checkGraph(graph({ "codec/mod.ts": ["npm:pako", "node:zlib", "cloudflare:sockets"] })), [
        `codec/mod.ts imports "npm:pako": no runtime dependencies`,
      ]);
      assert.deepEqual(checkGraph(graph({ "mod.ts": ["../scripts/x.ts"] })), [
        "mod.ts imports ../scripts/x.ts: outside src/",
      ]);
    });
  });

  describe("circles", () => {
    it("finds a circle of type-only imports inside one room", () => {
      const http = `import { plain } from "./http_response.ts";`;
      const response = `import type { HttpContext } from "./http.ts";`;
      assert.deepEqual(
        checkGraph(graph({ "server/http.ts": specifiersOf(http), "server/http_response.ts": specifiersOf(response) })),
        ["circle: server/http.ts → server/http_response.ts → server/http.ts"],
      );
    });

    it("finds a circle of three files, written from where the walk entered it", () => {
      assert.deepEqual(
        checkGraph(graph({
          "session/session.ts": ["./end.ts"],
          "session/end.ts": ["./contract.ts"],
          "session/contract.ts": ["./session.ts"],
        })),
        ["circle: session/contract.ts → session/session.ts → session/end.ts → session/contract.ts"],
      );
    });

    it("finds a file that imports itself", () => {
      assert.deepEqual(checkGraph(graph({ "bytes/x.ts": ["./x.ts"] })), ["circle: bytes/x.ts → bytes/x.ts"]);
    });
  });

  describe("top-level await", () => {
    it("finds await and for await at the top of a module, inside blocks and conditions too", () => {
      const text = [
        `const module = await import("./x.ts");`,
        `if (module) {`,
        `  for await (const chunk of stream) console.log(chunk);`,
        `}`,
        `export const value = (await Promise.resolve(1)) + 1;`,
      ].join("\n");
      assert.deepEqual(topLevelAwaits(text), [1, 3, 5]);
    });

    it("ignores await inside functions, methods, arrows, class static blocks and comments", () => {
      const text = [
        `async function load() { return await import("./x.ts"); }`,
        `const lazy = async () => { for await (const x of y) await x; };`,
        `class A { async m() { await 1; } static { (async () => await 2)(); } }`,
        `/** @example await serve(); */`,
        `// await nothing`,
      ].join("\n");
      assert.deepEqual(topLevelAwaits(text), []);
    });
  });
});
