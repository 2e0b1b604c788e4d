// Fail when src/'s import graph has a circle or runs against the layers, or a module awaits at its top level:
//   deno run -A scripts/check_imports.ts        (part of `npm test`'s static step)
// Every import counts, `import type` and `import()` included; examples in doc
// comments do not (TypeScript's own pre-processor skips comments).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import process from "node:process";
import ts from "typescript";

/**
 * The rooms of src/, top to bottom: a file may import its own room or a room
 * on a lower line. Rooms on one line are peers and may not import each other.
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["entry"], // src/*.ts: what deno.json and package.json export
  ["server"],
  ["websocket"],
  ["client", "pubsub"],
  ["session"],
  ["extensions"],
  ["transport", "protocol"],
  ["codec"],
  ["bytes"],
];
/** The CLI sits beside the entries: it uses only what they export, and only an entry uses it. */
const CLI = "cli";
/** Runtimes' own modules; anything else bare would be a runtime dependency. */
const BUILTIN = /^(node|cloudflare|bun):/;
/** The only doors into src/transport/ for the rest of src/ (the Node entry may also take node.ts directly). */
const TRANSPORT_DOORS = new Set(["transport/types.ts", "transport/select.ts"]);
const NODE_ENTRY = "node.ts";

/** The room of a file given relative to src/ with "/" separators: its folder, or "entry" at the top. */
export function roomOf(file: string): string {
  const slash = file.indexOf("/");
  return slash === -1 ? "entry" : file.slice(0, slash);
}

function rank(room: string): number {
  return LAYERS.findIndex((line) => line.includes(room));
}

function mayImport(from: string, to: string): boolean {
  if (from === to) return true;
  if (from === CLI) return to === "entry";
  if (to === CLI) return from === "entry";
  return rank(from) !== -1 && rank(to) !== -1 && rank(from) < rank(to);
}

/** Every module specifier a file's code imports (static, type-only, re-exports, dynamic), comments excluded. */
export function specifiersOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((file) => file.fileName);
}

/**
 * Line numbers (1-based) of top-level `await`s in a module's code. One anywhere in the graph makes Node's
 * `require()` of the package fail (ERR_REQUIRE_ASYNC_MODULE), so src/ has none.
 */
export function topLevelAwaits(text: string): number[] {
  const source = ts.createSourceFile("module.ts", text, ts.ScriptTarget.Latest, true);
  const lines: number[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node)) return;
    const awaits = ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier !== undefined);
    if (awaits) lines.push(source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1);
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(source, visit);
  return lines;
}

/**
 * Problems in a graph of files relative to src/ ("server/http.ts") to the
 * specifiers they import as written. An empty list means the graph is sound.
 */
export function checkGraph(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const problems: string[] = [];
  const edges = new Map<string, string[]>();
  for (const [file, specifiers] of graph) {
    const targets: string[] = [];
    for (const specifier of specifiers) {
      if (!specifier.startsWith(".")) {
        if (!BUILTIN.test(specifier)) problems.push(`${file} imports "${specifier}": no runtime dependencies`);
        continue;
      }
      const target = normalize(join(dirname(file), specifier)).split(sep).join("/");
      if (!target.endsWith(".ts")) continue; // the .wasm module workerd imports
      if (target.startsWith("../")) {
        problems.push(`${file} imports ${specifier}: outside src/`);
        continue;
      }
      targets.push(target);
      const [from, to] = [roomOf(file), roomOf(target)];
      if (rank(from) === -1 && from !== CLI) {
        problems.push(`${file}: src/${from}/ is not a known room (add it to LAYERS)`);
      } else if (!mayImport(from, to)) problems.push(`${file} imports ${target}: ${from} may not import ${to}`);
      else if (to === "transport" && from !== "transport" && !TRANSPORT_DOORS.has(target) && file !== NODE_ENTRY) {
        problems.push(`${file} imports ${target}: transports are reached through transport/select.ts`);
      }
    }
    edges.set(file, targets);
  }
  return [...new Set(problems)].concat(circles(edges).map((circle) => `circle: ${circle.join(" → ")}`));
}

/** One circle per back edge of a depth-first walk, each written from where the walk entered it. */
function circles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): void => {
    path.push(file);
    for (const next of edges.get(file) ?? []) {
      const at = path.indexOf(next);
      if (at !== -1) found.push([...path.slice(at), next]);
      else if (!done.has(next)) visit(next);
    }
    path.pop();
    done.add(file);
  };
  for (const file of [...edges.keys()].sort()) if (!done.has(file)) visit(file);
  return found;
}

/** The import graph of every .ts file under `dir`, keyed relative to it. */
export function readGraph(dir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) {
        graph.set(relative(dir, full).split(sep).join("/"), specifiersOf(readFileSync(full, "utf8")));
      }
    }
  };
  walk(dir);
  return graph;
}

if (import.meta.main) {
  const src = join(dirname(new URL(import.meta.url).pathname), "..", "src");
  const graph = readGraph(src);
  const problems = checkGraph(graph);
  for (const file of graph.keys()) {
    for (const line of topLevelAwaits(readFileSync(join(src, file), "utf8"))) {
      problems.push(`${file}:${line}: top-level await (require() of the package cannot load it)`);
    }
  }
  if (problems.length > 0) {
    console.error(`Cannot accept src/'s imports:\n- ${problems.join("\n- ")}`);
    process.exit(1);
  }
  console.log(`imports follow the layers: ${graph.size} files, no circles, no top-level await`);
}
