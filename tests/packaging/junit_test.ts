import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { countJUnit, parseXml } from "../../scripts/junit.mjs";

// Each report below is what the runner wrote (Deno 2.9.5, Bun 1.4.5, Node 20.20) for one file:
//   describe("group") { it("passes"); it("fails") (1 !== 2); it.skip("skipped"); describe("nested") { it("deep") } }
//   it("top")
// and, for Node, a second file whose import fails. Stack traces are cut short.

const DENO = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="deno test" tests="7" failures="2" errors="0" time="0.015">
    <testsuite name="./a_test.mjs" tests="2" disabled="0" errors="0" failures="1">
        <testcase name="group" classname="./a_test.mjs" time="0.009" line="3" col="1">
            <failure message="1 test step failed">1 test step failed.</failure>
        </testcase>
        <testcase name="top" classname="./a_test.mjs" time="0.000" line="9" col="1">
        </testcase>
    </testsuite>
    <testsuite name="ext:deno_node/testing.ts" tests="5" disabled="1" errors="0" failures="1">
        <testcase name="group &gt; passes" classname="ext:deno_node/testing.ts" time="0.001" line="1" col="23191">
        </testcase>
        <testcase name="group &gt; fails" classname="ext:deno_node/testing.ts" time="0.003" line="1" col="21231">
            <failure message="Uncaught AssertionError: Expected values to be strictly equal:

1 !== 2
">AssertionError: Expected values to be strictly equal:

  it(&quot;fails&quot;, () =&gt; assert.equal(1, 2));
    at NodeTestContext.&lt;anonymous&gt; (file:///tmp/junit_probe/a_test.mjs:5:28)</failure>
        </testcase>
        <testcase name="group &gt; skipped" classname="ext:deno_node/testing.ts" time="0.000" line="1" col="21231">
            <skipped/>
        </testcase>
        <testcase name="group &gt; nested" classname="ext:deno_node/testing.ts" time="0.001" line="1" col="21231">
        </testcase>
        <testcase name="group &gt; nested &gt; deep" classname="ext:deno_node/testing.ts" time="0.001" line="1" col="21231">
        </testcase>
    </testsuite>
</testsuites>
`;

const BUN = `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="bun test" tests="5" assertions="0" failures="1" skipped="1" time="0.047482352">
  <testsuite name="a_test.mjs" file="a_test.mjs" tests="5" assertions="0" failures="1" skipped="1" time="0.031276716" hostname="vm">
    <testsuite name="group" file="a_test.mjs" line="3" tests="4" assertions="0" failures="1" skipped="1" time="0.002" hostname="vm">
      <testcase name="passes" classname="group" time="0.001405" file="a_test.mjs" line="4" assertions="0" />
      <testcase name="fails" classname="group" time="0.001736" file="a_test.mjs" line="5" assertions="0">
        <failure type="AssertionError" message="Expected values to be strictly equal:&#10;&#10;1 !== 2&#10;">AssertionError: Expected values to be strictly equal:&#10;&#10;1 !== 2&#10;</failure>
      </testcase>
      <testcase name="skipped" classname="group" time="0" file="a_test.mjs" line="6" assertions="0">
        <skipped />
      </testcase>
      <testsuite name="nested" file="a_test.mjs" line="7" tests="1" assertions="0" failures="0" skipped="0" time="0" hostname="vm">
        <testcase name="deep" classname="nested &gt; group" time="0.000049" file="a_test.mjs" line="7" assertions="0" />
      </testsuite>
    </testsuite>
    <testcase name="top" classname="" time="0.000056" file="a_test.mjs" line="9" assertions="0" />
  </testsuite>
</testsuites>
`;

const NODE = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testsuite name="group" time="0.004259" disabled="0" errors="0" tests="4" failures="1" skipped="1" hostname="vm">
		<testcase name="passes" time="0.000781" classname="test"/>
		<testcase name="fails" time="0.001364" classname="test" failure="Expected values to be strictly equal:1 !== 2">
			<failure type="testCodeFailure" message="Expected values to be strictly equal:1 !== 2">
Error [ERR_TEST_FAILURE]: Expected values to be strictly equal:
      at TestContext.&lt;anonymous> (file:///tmp/junit_probe/a_test.mjs:5:28)
			</failure>
		</testcase>
		<testcase name="skipped" time="0.000154" classname="test">
			<skipped type="skipped" message="true"/>
		</testcase>
		<testsuite name="nested" time="0.000426" disabled="0" errors="0" tests="1" failures="0" skipped="0" hostname="vm">
			<testcase name="deep" time="0.000253" classname="test"/>
		</testsuite>
	</testsuite>
	<testcase name="top" time="0.000190" classname="test"/>
	<testcase name="/tmp/junit_probe/b_test.mjs" time="0.114589" classname="test" failure="test failed">
		<failure type="testCodeFailure" message="test failed">
Error [ERR_TEST_FAILURE]: Cannot find module '/tmp/junit_probe/nope.mjs'
		</failure>
	</testcase>
	<!-- tests 6 -->
	<!-- pass 3 -->
	<!-- fail 2 -->
</testsuites>
`;

describe("scripts/junit.mjs", () => {
  describe("counting test cases", () => {
    it("counts Deno's steps, not the describe groups it also writes as test cases", () => {
      assert.deepEqual(countJUnit(DENO), { passed: 3, failed: 1, skipped: 1, failures: ["group > fails"] });
    });

    it("counts Bun's test cases inside nested suites", () => {
      assert.deepEqual(countJUnit(BUN), { passed: 3, failed: 1, skipped: 1, failures: ["a_test.mjs: fails"] });
    });

    it("counts Node's test cases, a file that cannot load among the failures", () => {
      assert.deepEqual(countJUnit(NODE), {
        passed: 3,
        failed: 2,
        skipped: 1,
        failures: ["fails", "/tmp/junit_probe/b_test.mjs"],
      });
    });

    it("counts an empty report as nothing run", () => {
      assert.deepEqual(countJUnit(`<?xml version="1.0"?><testsuites></testsuites>`), {
        passed: 0,
        failed: 0,
        skipped: 0,
        failures: [],
      });
    });
  });

  describe("reading XML", () => {
    it("keeps escaped and raw '>' inside attribute values", () => {
      const document = parseXml(`<a title="x &gt; y > z &amp; &#65;&#x42;"><b/></a>`);
      assert.deepEqual(document.children, [{
        name: "a",
        attributes: { title: "x > y > z & AB" },
        children: [{ name: "b", attributes: {}, children: [] }],
      }]);
    });

    it("refuses a report cut short or closed out of order", () => {
      assert.throws(() => parseXml(`<testsuites><testsuite>`), /Cannot read the report: <testsuite> is never closed/);
      assert.throws(() => parseXml(`<a><b></a></b>`), /Cannot read the report: <\/a> closes <b>/);
    });
  });
});
