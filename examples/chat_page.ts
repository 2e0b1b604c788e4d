// The chat demo's page: plain HTML and the browser's own WebSocket.
export const CHAT_PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>wasmws chat</title>
<style>
  body { font: 16px system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
  #log { border: 1px solid #ccc; height: 20rem; overflow-y: auto; padding: .5rem; }
  #log p { margin: .2rem 0; } .server { color: #777; }
  form { display: flex; gap: .5rem; margin-top: .5rem; } input { flex: 1; }
</style>
<h1>wasmws chat <small id="room"></small></h1>
<p>Rooms: <a href="?room=lobby">lobby</a> · <a href="?room=games">games</a> · <a href="?room=music">music</a></p>
<p id="status">connecting…</p>
<div id="log"></div>
<form id="form"><input id="text" autocomplete="off" placeholder="say something"><button>send</button></form>
<script>
  const log = document.getElementById("log");
  const status = document.getElementById("status");
  const ws = new WebSocket(location.href.replace(/^http/, "ws"));
  document.getElementById("room").textContent = "#" + (new URLSearchParams(location.search).get("room") || "lobby");
  const show = (from, text) => {
    const line = document.createElement("p");
    if (from === "server") line.className = "server";
    line.textContent = from + ": " + text;
    log.append(line);
    log.scrollTop = log.scrollHeight;
  };
  ws.onopen = () => { status.textContent = "connected"; };
  ws.onclose = (event) => { status.textContent = "closed (" + event.code + ")"; };
  ws.onmessage = (event) => { const { from, text } = JSON.parse(event.data); show(from, text); };
  document.getElementById("form").onsubmit = (event) => {
    event.preventDefault();
    const input = document.getElementById("text");
    if (input.value && ws.readyState === WebSocket.OPEN) ws.send(input.value);
    input.value = "";
  };
</script>
</html>
`;
