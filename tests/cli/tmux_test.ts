// `wasmws connect` at a terminal, driven as a person would: tmux runs it in a pane, keys are typed with
// send-keys, and the screen is read back with capture-pane. Each test has its own tmux server (-L), killed after.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";

import { existsSync } from "node:fs";
import process from "node:process";
import { type ChildProcess, spawn } from "node:child_process";
import { WebSocket } from "../../src/mod.ts";
import { RUNTIMES } from "../_helpers/cli.ts";

const TMUX = "/usr/bin/tmux";
const socket = `wasmws-cli-${process.pid}`;
const tmux = (...args: string[]): string =>
  execFileSync(TMUX, ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Start `connect URL` in a new pane of session `name`; the pane stays after the program exits. On Node 24, one
 * runtime for a test that reads a screen (the pipes are tested on every runtime).
 */
function startPane(name: string, env: string[], args: string[]): void {
  const command = ["env", ...env, ...RUNTIMES.node24, "connect", ...args].map(quote).join(" ");
  tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "100",
    "-y",
    "20",
    `exec ${command}`,
    ";",
    "set-option",
    "-t",
    name,
    "remain-on-exit",
    "on",
  );
}

const screen = (name: string, escapes = false): string =>
  tmux("capture-pane", "-p", ...(escapes ? ["-e"] : []), "-t", name);

/** Wait for the screen to satisfy `ready` (the machine may be slow: up to 30 s), and return it. */
async function waitScreen(name: string, ready: (text: string) => boolean, what: string): Promise<string> {
  let text = "";
  for (let i = 0; i < 300; i++) {
    text = screen(name);
    if (ready(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Cannot see ${what} on the screen:\n${text}`);
}

/**
 * How the pane's program ended, once it has (up to 30 s): "status N", "signal S", or "status " when tmux 3.3a
 * does not say (seen now and then; the exit statuses themselves are tested through pipes).
 */
async function exitStatus(name: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const [dead, status, signal] = tmux(
      "display-message",
      "-p",
      "-t",
      name,
      "#{pane_dead},#{pane_dead_status},#{pane_dead_signal}",
    )
      .trim().split(",");
    if (dead === "1") return signal ? `signal ${signal}` : `status ${status}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`The program in ${name} did not exit:\n${screen(name)}`);
}

const ESC = String.fromCharCode(27);
const lines = (text: string): string[] => text.split("\n").filter((line) => line.trim() !== "");

describe("connect at a terminal (tmux)", () => {
  // The server is `wasmws listen --broadcast` in its own process (an echo to the sender, and a way for the test to
  // send the pane a message): a server inside the test process shares its event loop with the synchronous tmux calls.
  let server: ChildProcess;
  let url = "";
  before(async () => {
    assert.ok(existsSync(TMUX), "tmux is missing: apt-get install tmux (.ci/run does)");
    const [command, ...prefix] = RUNTIMES.node24;
    server = spawn(command, [...prefix, "listen", "0", "--broadcast", "-q"], { stdio: ["ignore", "pipe", "inherit"] });
    url = await new Promise<string>((resolve, reject) => {
      let log = "";
      server.on("exit", (code) => reject(new Error(`listen exited with ${code}`)));
      server.stdout!.on("data", (chunk) => {
        log += chunk;
        const match = /^listening on (ws:\/\/127\.0\.0\.1:\d+)\//.exec(log);
        if (match) resolve(match[1]);
      });
    });
  });
  after(() => {
    try {
      tmux("kill-server");
    } catch {
      // No session left to kill.
    }
    server.kill("SIGKILL");
  });

  /** Send `text` to every client of the server (the pane included), from another client. */
  async function broadcast(text: string): Promise<void> {
    const ws = new WebSocket(url);
    await new Promise((resolve) => ws.onopen = resolve);
    ws.send(text);
    ws.close(1000);
    await new Promise((resolve) => ws.onclose = resolve);
  }

  it("prompts with '>', prints replies with '<', keeps a half-typed line whole when a message arrives; NO_COLOR", async () => {
    startPane("plain", ["NO_COLOR=1", "TERM=xterm-256color"], [url]);
    await waitScreen("plain", (text) => /connected to ws:\/\/127\.0\.0\.1:\d+/.test(text), "the connected line");
    assert.equal(lines(screen("plain")).at(-1), ">");
    tmux("send-keys", "-t", "plain", "-l", "hello");
    tmux("send-keys", "-t", "plain", "Enter");
    // The echo prints first and the prompt is drawn again after it: wait for the screen to settle on both.
    const lastLines = (t: string, n: number) => JSON.stringify(lines(t).slice(-n));
    const settled = (expected: string[]) => (t: string) => lastLines(t, expected.length) === JSON.stringify(expected);
    let text = await waitScreen("plain", settled(["> hello", "< hello", ">"]), "the echo, then the prompt");
    assert.deepEqual(lines(text).slice(-3), ["> hello", "< hello", ">"]);

    // Half a line typed, then a message from the server: it prints above, the typed text stays on the prompt.
    tmux("send-keys", "-t", "plain", "-l", "half typ");
    await waitScreen("plain", (t) => lines(t).at(-1) === "> half typ", "the typed text");
    await broadcast("from the server");
    text = await waitScreen(
      "plain",
      settled(["< from the server", "> half typ"]),
      "the server's message above the half-typed line",
    );
    assert.deepEqual(lines(text).slice(-2), ["< from the server", "> half typ"]);
    tmux("send-keys", "-t", "plain", "-l", "ed");
    tmux("send-keys", "-t", "plain", "Enter");
    text = await waitScreen(
      "plain",
      settled(["< from the server", "> half typed", "< half typed", ">"]),
      "the echo of the finished line, then the prompt",
    );
    assert.deepEqual(lines(text).slice(-4), ["< from the server", "> half typed", "< half typed", ">"]);
    assert.ok(!screen("plain", true).includes(ESC + "["), "no colour under NO_COLOR");

    // Slash commands: a bad one is explained, /ping shows the round trip, /quit closes cleanly (status 0).
    for (const keys of ["/close 1001", "/ping probe", "/quit"]) {
      tmux("send-keys", "-t", "plain", "-l", keys);
      tmux("send-keys", "-t", "plain", "Enter");
    }
    assert.match(await exitStatus("plain"), /^status 0?$/);
    text = screen("plain");
    assert.match(text, /The code must be either 1000, or between 3000 and 4999|InvalidAccessError|1001/);
    assert.match(text, /pong "probe": \d+\.\d\d ms round trip/);
    assert.match(text, /closed 1000/);
  });

  it("colours the marks on a terminal without NO_COLOR", async () => {
    startPane("colour", ["-u", "NO_COLOR", "TERM=xterm-256color"], [url]);
    await waitScreen("colour", (text) => text.includes("connected to"), "the connected line");
    tmux("send-keys", "-t", "colour", "-l", "hi");
    tmux("send-keys", "-t", "colour", "Enter");
    await waitScreen("colour", (t) => t.includes("< hi"), "the echo");
    const painted = screen("colour", true);
    assert.match(painted, new RegExp(`${ESC}\\[[0-9;]*32m>`), "a green prompt");
    assert.match(painted, new RegExp(`${ESC}\\[[0-9;]*36m<`), "a cyan incoming mark");
    tmux("send-keys", "-t", "colour", "C-c");
    assert.match(await exitStatus("colour"), /^status 0?$/);
    assert.match(screen("colour"), /closed 1000/);
  });
});
