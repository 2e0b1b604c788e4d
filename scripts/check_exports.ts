// Fail when deno.json's exports, the npm build's exports and the modules'
// runtime exports disagree: `deno run -A scripts/check_exports.ts` (after build_npm).
const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
const deno = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
const npm = JSON.parse(await Deno.readTextFile(`${root}npm/package.json`));
const problems: string[] = [];

const denoKeys = Object.keys(deno.exports).sort();
const npmKeys = Object.keys(npm.exports).sort();
if (JSON.stringify(denoKeys) !== JSON.stringify(npmKeys)) {
  problems.push(`entry points differ: deno.json ${denoKeys.join(", ")} vs npm ${npmKeys.join(", ")}`);
}
for (const key of denoKeys) {
  const source = await import(`${root}${deno.exports[key].slice(2)}`);
  const target = npm.exports[key];
  if (target === undefined) continue;
  for (const condition of ["types", "default"]) {
    try {
      await Deno.stat(`${root}npm/${target[condition].slice(2)}`);
    } catch {
      problems.push(`${key}: npm "${condition}" points at a missing file ${target[condition]}`);
    }
  }
  const built = await import(`${root}npm/${target.default.slice(2)}`);
  const want = Object.keys(source).sort().join(", ");
  const have = Object.keys(built).sort().join(", ");
  if (want !== have) problems.push(`${key}: src exports [${want}] but npm exports [${have}]`);
}
if (!("workerd" in npm.exports["."])) problems.push(`".": no workerd condition`);
// The command line: package.json's bin is the built "./cli" entry, and that entry is a script Node can run.
const cliImport = npm.exports["./cli"]?.default;
if (npm.bin?.wasmws !== cliImport) {
  problems.push(`bin wasmws is ${npm.bin?.wasmws}, not the "./cli" entry ${cliImport}`);
} else if (!(await Deno.readTextFile(`${root}npm/${cliImport.slice(2)}`)).startsWith("#!/usr/bin/env node\n")) {
  problems.push(`${cliImport} does not start with "#!/usr/bin/env node"`);
}
if (problems.length > 0) {
  console.error(`Cannot publish: exports disagree:\n- ${problems.join("\n- ")}`);
  Deno.exit(1);
}
console.log(`exports agree: ${denoKeys.join(", ")}`);
