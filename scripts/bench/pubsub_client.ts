// The pub/sub benchmark's subscribers, in one Bun process (Bun's native
// WebSocket client, the lightest receiver at hand, the same for every server).
//   fanout URL N ROUNDS          N subscribers; per round, "pub" on the control socket
//                                and the time until all N have the message
//   redis PUB_URL SUB_URL M RATE  one subscriber on SUB_URL; M messages published on
//                                PUB_URL's server as fast as it can, then M/4 at RATE per second
const [mode, ...args] = (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`Cannot connect to ${url}`));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

async function ask(ctl: WebSocket, command: string, answer: (text: string) => boolean): Promise<string> {
  return await new Promise((resolve) => {
    ctl.onmessage = (event) => answer(String(event.data)) && resolve(String(event.data));
    ctl.send(command);
  });
}

if (mode === "fanout") {
  const [url, n, rounds] = [args[0], Number(args[1]), Number(args[2])];
  const counts = new Map<number, number>();
  let wake = (_round: number) => {};
  const subscribers: WebSocket[] = [];
  for (let i = 0; i < n; i += 250) {
    const batch = await Promise.all(Array.from({ length: Math.min(250, n - i) }, () => open(`${url}/sub`)));
    for (const ws of batch) {
      ws.onmessage = (event) => {
        const text = String(event.data);
        const round = Number(text.slice(0, text.indexOf(" ")));
        const count = (counts.get(round) ?? 0) + 1;
        counts.set(round, count);
        if (count === n) wake(round);
      };
    }
    subscribers.push(...batch);
  }
  const ctl = await open(`${url}/ctl`);
  // Let the server finish subscribing the last sockets before the first round.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const statsBefore = JSON.parse(await ask(ctl, "stats", (text) => text.startsWith("{")));
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = now();
    await new Promise<void>((resolve) => {
      wake = (done) => done === round && resolve();
      ctl.send(`pub ${round}`);
    });
    times.push(now() - started);
  }
  const stats = JSON.parse(await ask(ctl, "stats", (text) => text.startsWith("{")));
  const total = times.reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => a - b);
  console.log(JSON.stringify({
    n,
    rounds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    msgsPerSec: (n * rounds) / (total / 1000),
    publishMs: stats.publishMs / rounds,
    // Server CPU per delivered message: what the server spends, however fast the subscribers read.
    cpuPerMessageUs: ((stats.cpuMs - statsBefore.cpuMs) * 1000) / (n * rounds),
  }));
  for (const ws of subscribers) ws.close();
  ctl.close();
} else if (mode === "redis") {
  const [pubUrl, subUrl, m, rate] = [args[0], args[1], Number(args[2]), Number(args[3])];
  const subscriber = await open(`${subUrl}/sub`);
  const ctl = await open(`${pubUrl}/ctl`);
  // Redis carries the topic once the subscriber's server subscribed there: wait for a probe to come through.
  let latencies: number[] = [];
  let received = 0;
  let wake = () => {};
  subscriber.onmessage = (event) => {
    const text = String(event.data);
    latencies.push(now() - Number(text.slice(0, text.indexOf(" "))));
    received++;
    wake();
  };
  const until = (count: number) =>
    new Promise<void>((resolve) => {
      wake = () => received >= count && resolve();
      wake();
    });
  for (let probe = 0; received === 0 && probe < 100; probe++) {
    ctl.send("burst 1");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  received = 0;
  latencies = [];
  const started = now();
  ctl.send(`burst ${m}`);
  await until(m);
  const burstMs = now() - started;
  const burstSorted = [...latencies].sort((a, b) => a - b);
  received = 0;
  latencies = [];
  const paced = Math.floor(m / 4);
  ctl.send(`paced ${paced} ${rate}`);
  await until(paced);
  const sorted = [...latencies].sort((a, b) => a - b);
  console.log(JSON.stringify({
    messages: m,
    msgsPerSec: m / (burstMs / 1000),
    burstP50: percentile(burstSorted, 0.5),
    burstP99: percentile(burstSorted, 0.99),
    paced,
    rate,
    pacedP50: percentile(sorted, 0.5),
    pacedP99: percentile(sorted, 0.99),
  }));
  subscriber.close();
  ctl.close();
}
