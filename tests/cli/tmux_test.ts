// `wasmws connect` at a terminal, driven as a person would: tmux runs it in a pane, keys are typed with
// send-keys, and the screen is read back with capture-pane. Each test has its own tmux server (-L), killed after.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import type { WebSocket } from "../../src/mod.ts";
import { currentRuntime, echoServer } from "../_helpers/cli.ts";

const TMUX = "/usr/bin/tmux";
const socket = `wasmws-cli-${process.pid}`;
const tmux = (...args: string[]): string =>
  execFileSync(TMUX, ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/** Start `connect URL` in a new pane of session `name`; the pane stays after the program exits. */
function startPane(name: string, env: string[], args: string[]): void {
  const command = ["env", ...env, ...currentRuntime(), "connect", ...args].map(quote).join(" ");
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

const ESC = String.fromCharCode(27);
const lines = (text: string): string[] => text.split("\n").filter((line) => line.trim() !== "");

describe("connect at a terminal (tmux)", () => {
  let server: Awaited<ReturnType<typeof echoServer>>;
  const sockets: WebSocket[] = [];
  before(async () => {
    assert.ok(existsSync(TMUX), "tmux is missing: apt-get install tmux (.ci/run does)");
    server = await echoServer({
      websocket(ws) {
        sockets.push(ws);
        ws.addEventListener("message", (event) => ws.send(event.data));
      },
    });
  });
  after(async () => {
    try {
      tmux("kill-server");
    } catch {
      // No session left to kill.
    }
    await server.shutdown({ timeout: 500 });
  });

  it("prompts with '>', prints replies with '<', keeps a half-typed line whole when a message arrives; NO_COLOR", async () => {
    startPane("plain", ["NO_COLOR=1", "TERM=xterm-256color"], [server.url]);
    await waitScreen("plain", (text) => /connected to ws:\/\/127\.0\.0\.1:\d+/.test(text), "the connected line");
    assert.equal(lines(screen("plain")).at(-1), ">");
    tmux("send-keys", "-t", "plain", "-l", "hello");
    tmux("send-keys", "-t", "plain", "Enter");
    let text = await waitScreen("plain", (t) => t.includes("< hello"), "the echo");
    assert.deepEqual(lines(text).slice(-3), ["> hello", "< hello", ">"]);

    // Half a line typed, then a message from the server: it prints above, the typed text stays on the prompt.
    tmux("send-keys", "-t", "plain", "-l", "half typ");
    await waitScreen("plain", (t) => lines(t).at(-1) === "> half typ", "the typed text");
    sockets.at(-1)!.send("from the server");
    text = await waitScreen("plain", (t) => t.includes("< from the server"), "the server's message");
    assert.deepEqual(lines(text).slice(-2), ["< from the server", "> half typ"]);
    tmux("send-keys", "-t", "plain", "-l", "ed");
    tmux("send-keys", "-t", "plain", "Enter");
    text = await waitScreen("plain", (t) => t.includes("< half typed"), "the echo of the finished line");
    assert.deepEqual(lines(text).slice(-4), ["< from the server", "> half typed", "< half typed", ">"]);
    assert.ok(!screen("plain", true).includes(ESC + "["), "no colour under NO_COLOR");

    // Slash commands: a bad one is explained, /ping shows the round trip, /quit closes cleanly (status 0).
    for (const keys of ["/close 1001", "/ping probe", "/quit"]) {
      tmux("send-keys", "-t", "plain", "-l", keys);
      tmux("send-keys", "-t", "plain", "Enter");
    }
    text = await waitScreen("plain", (t) => /Pane is dead/.test(t) || /closed 1000/.test(t), "the close");
    text = await waitScreen("plain", (t) => /Pane is dead/.test(t), "the program's exit");
    assert.match(text, /The code must be either 1000, or between 3000 and 4999|InvalidAccessError|1001/);
    assert.match(text, /pong "probe": \d+\.\d\d ms round trip/);
    assert.match(text, /closed 1000/);
    assert.match(text, /Pane is dead \(status 0/);
  });

  it("colours the marks on a terminal without NO_COLOR", async () => {
    startPane("colour", ["-u", "NO_COLOR", "TERM=xterm-256color"], [server.url]);
    await waitScreen("colour", (text) => text.includes("connected to"), "the connected line");
    tmux("send-keys", "-t", "colour", "-l", "hi");
    tmux("send-keys", "-t", "colour", "Enter");
    await waitScreen("colour", (t) => t.includes("< hi"), "the echo");
    const painted = screen("colour", true);
    assert.match(painted, new RegExp(`${ESC}\\[[0-9;]*32m>`), "a green prompt");
    assert.match(painted, new RegExp(`${ESC}\\[[0-9;]*36m<`), "a cyan incoming mark");
    tmux("send-keys", "-t", "colour", "C-c");
    const text = await waitScreen("colour", (t) => /Pane is dead/.test(t), "the program's exit");
    assert.match(text, /closed 1000/);
  });
});
