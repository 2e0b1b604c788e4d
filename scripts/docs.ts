// `npm run docs`: the API reference as HTML, from the doc comments of every entry deno.json exports, into
// docs/api/ (git-ignored; open docs/api/index.html).
const root = decodeURIComponent(new URL("..", import.meta.url).pathname);
const deno = JSON.parse(await Deno.readTextFile(`${root}deno.json`));
const entries = Object.values(deno.exports as Record<string, string>);
const output = `${root}docs/api`;
await Deno.remove(output, { recursive: true }).catch(() => {});
await Deno.mkdir(`${root}docs`, { recursive: true });
const { code } = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--html", `--name=${deno.name}`, `--output=${output}`, ...entries],
  cwd: root,
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (code !== 0) Deno.exit(code);
console.log(`API reference for ${entries.join(", ")}: docs/api/index.html`);
