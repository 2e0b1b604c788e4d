// Prepare the Node runs of the test suite against the packed npm build:
//   deno run -A scripts/node_tests.ts   → .test-node/
// It packs npm/ with `npm pack`, installs the tarball into
// .test-node/node_modules/wasmws, links .test-node/src to the installed
// package's esm/ (so the tests' `../src/...` imports load the packed build,
// not the sources), and transpiles tests/ to JS beside it. Devdependencies
// (ws, …) still resolve from the repository's node_modules.
import ts from "typescript";
import { specifiersOf } from "./check_imports.ts";

const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
const dir = `${root}.test-node`;

async function run(command: string, args: string[], cwd: string): Promise<string> {
  const { code, stdout, stderr } = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(stdout);
  if (code !== 0) throw new Error(`Cannot run ${command} ${args.join(" ")}:\n${new TextDecoder().decode(stderr)}`);
  return text;
}

async function walk(path: string): Promise<string[]> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    const full = `${path}/${entry.name}`;
    if (entry.isDirectory) files.push(...await walk(full));
    else if (entry.name.endsWith(".ts")) files.push(full);
  }
  return files;
}

await Deno.remove(dir, { recursive: true }).catch(() => {});
await Deno.mkdir(`${dir}/node_modules/wasmws`, { recursive: true });
const tarball = (await run("npm", ["pack", "--silent", "--pack-destination", dir], `${root}npm`)).trim().split("\n")
  .pop()!;
await run("tar", ["-xzf", `${dir}/${tarball}`, "-C", `${dir}/node_modules/wasmws`, "--strip-components=1"], root);
await Deno.symlink("node_modules/wasmws/esm", `${dir}/src`);
await Deno.writeTextFile(`${dir}/package.json`, JSON.stringify({ type: "module", private: true }) + "\n");

/** Transpile one file of the repository to JS at the same place under .test-node/; returns its source. */
async function transpile(file: string): Promise<string> {
  const source = await Deno.readTextFile(file);
  const output = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      rewriteRelativeImportExtensions: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: false,
    },
  });
  const target = `${dir}/${file.slice(root.length).replace(/\.ts$/, ".js")}`;
  await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(target, output.outputText);
  return source;
}

const tests = await walk(`${root}tests`);
// Tests of the tooling import scripts/ (check_imports.ts): those come along, the rest of scripts/ does not.
const scripts = new Set<string>();
for (const file of tests) {
  for (const specifier of specifiersOf(await transpile(file))) {
    const target = new URL(specifier, `file://${file}`).pathname;
    if (specifier.startsWith(".") && target.startsWith(`${root}scripts/`)) scripts.add(target);
  }
}
for (const file of scripts) await transpile(file);
console.log(`.test-node/: ${tarball} installed, ${tests.length} test files and ${scripts.size} scripts transpiled`);
