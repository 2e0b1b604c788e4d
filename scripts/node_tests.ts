// Prepare the Node runs of the test suite against the packed npm build:
//   deno run -A scripts/node_tests.ts   → .test-node/
// It packs npm/ with `npm pack`, installs the tarball into
// .test-node/node_modules/wasmws, links .test-node/src to the installed
// package's esm/ (so the tests' `../src/...` imports load the packed build,
// not the sources), and transpiles tests/ to JS beside it. Devdependencies
// (ws, …) still resolve from the repository's node_modules.
import ts from "typescript";

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

const tests = await walk(`${root}tests`);
for (const file of tests) {
  const relative = file.slice(root.length);
  const output = ts.transpileModule(await Deno.readTextFile(file), {
    fileName: file,
    compilerOptions: {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      rewriteRelativeImportExtensions: true,
      allowImportingTsExtensions: true,
      verbatimModuleSyntax: false,
    },
  });
  const target = `${dir}/${relative.replace(/\.ts$/, ".js")}`;
  await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
  await Deno.writeTextFile(target, output.outputText);
}
console.log(`.test-node/: ${tarball} installed, ${tests.length} test files transpiled`);
