import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// The repository: the nearest folder with a deno.json (the Node runs load this file from .test-node/ inside it).
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, "deno.json"))) {
  const parent = dirname(root);
  if (parent === root) throw new Error("Cannot find the repository: no deno.json above this test");
  root = parent;
}
const read = (path: string) => readFileSync(join(root, path), "utf8");
/** Every `src/…` path a document names in backticks or links. */
const pathsIn = (text: string) => [...text.matchAll(/[`(](src\/[\w./-]*)[`)]/g)].map((match) => match[1]);

describe("the layout documents", () => {
  for (const document of ["README.md", "src/README.md"]) {
    it(`${document} names only paths that exist`, () => {
      const paths = pathsIn(read(document));
      assert.ok(paths.length >= 10, `${document} names ${paths.length} paths`);
      assert.deepEqual(paths.filter((path) => !existsSync(join(root, path))), []);
    });
  }

  it("src/README.md answers the four newcomer questions, each with a path", () => {
    const text = read("src/README.md");
    const sections = text.split(/^### /m).slice(1);
    for (const question of ["close handshake", "server accept", "backpressure", "bytes enter from the socket"]) {
      const section = sections.find((candidate) => candidate.split("\n")[0].includes(question));
      assert.ok(section !== undefined, `no section on "${question}"`);
      assert.ok(pathsIn(section).length > 0, `the section on "${question}" names no path`);
    }
  });

  it("src/README.md has a line for every folder of src/", () => {
    const text = read("src/README.md");
    const folders = readdirSync(join(root, "src"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory()).map((entry) => entry.name);
    assert.ok(folders.length >= 8, `src/ has ${folders.length} folders`);
    assert.deepEqual(folders.filter((folder) => !text.includes(`\`${folder}/\``)), []);
  });
});
