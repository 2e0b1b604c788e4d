import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { asModule, examples } from "../../scripts/check_readme.ts";

const NAMES = ["wasmws", "@wasmws/wasmws", "jsr:@wasmws/wasmws"];
const ENTRIES = { ".": "/repo/src/mod.ts", "./node": "/repo/src/node.ts" };

describe("scripts/check_readme.ts", () => {
  it("takes the ts blocks, not the ones whose first line says before, nor other languages", () => {
    const markdown = [
      "text",
      "```ts",
      `import { serve } from "wasmws";`,
      "```",
      "```ts",
      "// before: Bun.serve",
      "Bun.serve({});",
      "```",
      "```js",
      `const ws = require("ws");`,
      "```",
      "```sh",
      "npm i wasmws",
      "```",
      "```ts",
      "// after: wasmws",
      "await serve();",
      "```",
    ].join("\n");
    assert.deepEqual(examples(markdown), [`import { serve } from "wasmws";\n`, "// after: wasmws\nawait serve();\n"]);
  });

  it("points every name of the package and its subpaths at the entries, and leaves other specifiers alone", () => {
    const block = [
      `import { serve } from "wasmws";`,
      `import { WebSocket } from "@wasmws/wasmws";`,
      `import { upgradeHandler } from 'wasmws/node';`,
      `import { x } from "jsr:@wasmws/wasmws";`,
      `import { createServer } from "node:http";`,
      `const name = "wasmwsx";`,
    ].join("\n");
    assert.equal(
      asModule(block, NAMES, ENTRIES),
      [
        "export {};",
        `import { serve } from "/repo/src/mod.ts";`,
        `import { WebSocket } from "/repo/src/mod.ts";`,
        `import { upgradeHandler } from '/repo/src/node.ts';`,
        `import { x } from "/repo/src/mod.ts";`,
        `import { createServer } from "node:http";`,
        `const name = "wasmwsx";`,
      ].join("\n"),
    );
  });

  it("leaves a subpath the package does not export as written, so the check fails on it", () => {
    assert.equal(asModule(`import "wasmws/nope";`, NAMES, ENTRIES), `export {};\nimport "wasmws/nope";`);
  });

  it("declares the httpServer an example takes as given", () => {
    const module = asModule(`httpServer.on("upgrade", () => {});`, NAMES, ENTRIES);
    assert.match(module, /^export \{\};\nimport type \{ Server as HttpServer \} from "node:http";\n/);
    assert.match(module, /declare const httpServer: HttpServer;\nhttpServer\.on/);
  });
});
