// Read the JUnit reports the three runners write (`deno test --junit-path`,
// `bun test --reporter=junit --reporter-outfile`, `node --test-reporter=junit
// --test-reporter-destination`) into passed/failed/skipped counts. Plain JS so
// scripts/test.mjs can use it on the system's Node 20.

const ENTITIES = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/** Undo XML's escapes in text and attribute values. */
function unescape(text) {
  return text.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (whole, hex, dec, name) => {
    if (hex !== undefined) return String.fromCodePoint(parseInt(hex, 16));
    if (dec !== undefined) return String.fromCodePoint(Number(dec));
    return ENTITIES[name] ?? whole;
  });
}

/**
 * The element tree of an XML document: `{ name, attributes, children }`.
 * Enough XML for the reports: elements, double-quoted attributes, text;
 * declarations, comments and CDATA are skipped.
 */
export function parseXml(text) {
  const root = { name: "#document", attributes: {}, children: [] };
  const stack = [root];
  const tag =
    /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[?!][^>]*>|<(\/?)([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>/g;
  for (const match of text.matchAll(tag)) {
    const [, closing, name, attributeText, selfClosing] = match;
    if (name === undefined) continue;
    if (closing) {
      if (stack.length === 1 || stack.at(-1).name !== name) {
        throw new Error(`Cannot read the report: </${name}> closes <${stack.at(-1).name}>`);
      }
      stack.pop();
      continue;
    }
    const attributes = {};
    for (const [, key, value] of attributeText.matchAll(/([\w:.-]+)\s*=\s*"([^"]*)"/g)) {
      attributes[key] = unescape(value);
    }
    const element = { name, attributes, children: [] };
    stack.at(-1).children.push(element);
    if (!selfClosing) stack.push(element);
  }
  if (stack.length !== 1) throw new Error(`Cannot read the report: <${stack.at(-1).name}> is never closed`);
  return root;
}

function* elements(node, name) {
  for (const child of node.children) {
    if (child.name === name) yield child;
    yield* elements(child, name);
  }
}

/**
 * Count the test cases of a JUnit report. Bun and Node write one `testcase`
 * per test and a `testsuite` per `describe`; Deno writes every `describe` as
 * a `testcase` too (its steps named "outer > inner"), so there a case whose
 * name prefixes another's is a group and is not counted.
 *
 * @returns {{ passed: number, failed: number, skipped: number, failures: string[] }}
 */
export function countJUnit(xml) {
  const document = parseXml(xml);
  const cases = [...elements(document, "testcase")];
  const top = document.children.find((child) => child.name === "testsuites");
  const groups = new Set();
  if (top?.attributes.name === "deno test") {
    for (const testcase of cases) {
      const name = testcase.attributes.name ?? "";
      const cut = name.lastIndexOf(" > ");
      if (cut !== -1) groups.add(name.slice(0, cut));
    }
  }
  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] };
  for (const testcase of cases) {
    const name = testcase.attributes.name ?? "";
    if (groups.has(name)) continue;
    const has = (child) => testcase.children.some((element) => element.name === child);
    if (has("failure") || has("error")) {
      counts.failed++;
      const where = testcase.attributes.file ?? testcase.attributes.classname;
      counts.failures.push(where && !where.startsWith("ext:") && where !== "test" ? `${where}: ${name}` : name);
    } else if (has("skipped")) counts.skipped++;
    else counts.passed++;
  }
  return counts;
}
