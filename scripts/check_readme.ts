// Type-check the README's TypeScript examples against the sources: `deno run -A scripts/check_readme.ts`
// (part of `npm test`'s static step). Each ```ts block is a module of its own, its imports of the package
// ("wasmws", "wasmws/node", "@wasmws/wasmws", "jsr:@wasmws/wasmws" …) pointed at the entries deno.json exports.
// A block whose first line says "before" shows another library's code and is skipped; an `httpServer` the
// text takes as given is declared.
import { join } from "node:path";

/** The ```ts blocks of a Markdown text that show wasmws code. */
export function examples(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1])
    .filter((block) => !block.split("\n")[0].includes("before"));
}

/**
 * A block as a module of its own: imports of the package by any of its `names` point at `entries` (export
 * key → path), so "wasmws/node" becomes the path of the "./node" entry.
 */
export function asModule(block: string, names: string[], entries: Record<string, string>): string {
  const text = block.replace(/(["'])([^"'\n]+)\1/g, (whole, quote: string, specifier: string) => {
    for (const name of names) {
      if (specifier === name || specifier.startsWith(`${name}/`)) {
        const path = entries[`.${specifier.slice(name.length)}`];
        if (path !== undefined) return `${quote}${path}${quote}`;
      }
    }
    return whole;
  });
  const given = /\bhttpServer\b/.test(text)
    ? `import type { Server as HttpServer } from "node:http";\ndeclare const httpServer: HttpServer;\n`
    : "";
  return `export {};\n${given}${text}`;
}

if (import.meta.main) {
  const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
  const deno = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
  const names = ["wasmws", deno.name, `jsr:${deno.name}`];
  const entries = Object.fromEntries(
    Object.entries(deno.exports as Record<string, string>).map(([key, path]) => [key, join(root, path)]),
  );
  const blocks = examples(await Deno.readTextFile(`${root}README.md`));
  // Inside the checkout, so a package the example uses beside wasmws (redis) resolves from node_modules.
  const dir = await Deno.makeTempDir({ dir: root, prefix: ".readme-check-" });
  try {
    const files: string[] = [];
    for (const [i, block] of blocks.entries()) {
      const file = join(dir, `example_${i + 1}.ts`);
      await Deno.writeTextFile(file, asModule(block, names, entries));
      files.push(file);
    }
    const { code } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", `--config=${root}deno.json`, ...files],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (code !== 0) {
      console.error(
        `Cannot accept the README: its examples do not type-check (example_N.ts is the Nth wasmws example)`,
      );
      Deno.exit(1);
    }
    console.log(`README: ${blocks.length} TypeScript examples type-check`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
