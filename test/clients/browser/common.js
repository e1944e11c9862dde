// What the browser runners share: their environment, headless Chromium, a tiny static site, a TCP
// proxy that can cut connections, and polling waits.
"use strict";

const fs = require("fs");
const http = require("http");
const net = require("net");
const { chromium } = require("playwright-core");

const waitMs = 30000;

function env(name, fallback) {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`Set ${name}.`);
    return value;
}

function launchChromium() {
    return chromium.launch({
        executablePath: env("CHROMIUM", "/usr/bin/chromium"),
        headless: true,
        // playwright adds a fresh temporary --user-data-dir for every launch.
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"],
        timeout: waitMs,
    });
}

// routes: { "/path": { file | body, type } }; a body may be a function of the request.
function serveSite(routes) {
    const server = http.createServer((req, res) => {
        const route = routes[req.url.split("?")[0]];
        if (!route || (route.file && !fs.existsSync(route.file))) {
            res.writeHead(404).end();
            return;
        }
        const body = route.file ? fs.readFileSync(route.file) : typeof route.body === "function" ? route.body(req) : route.body;
        res.writeHead(200, { "Content-Type": route.type }).end(body);
    });
    return new Promise(resolve => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// A TCP proxy to a gateway node, so a test can take the network away from the browser and give it
// back: cut() drops every connection and refuses new ones until restore().
async function startProxy(target) {
    const [host, port] = target.split(":");
    const sockets = new Set();
    const proxy = { accepted: 0, refused: 0, cutNow: false };
    const server = net.createServer(client => {
        if (proxy.cutNow) {
            proxy.refused++;
            client.destroy();
            return;
        }
        proxy.accepted++;
        const upstream = net.connect(Number(port), host);
        for (const s of [client, upstream]) {
            sockets.add(s);
            s.on("close", () => sockets.delete(s));
            s.on("error", () => { client.destroy(); upstream.destroy(); });
        }
        client.pipe(upstream);
        upstream.pipe(client);
    });
    await new Promise(resolve => server.listen(0, "127.0.0.1", resolve));
    proxy.address = `127.0.0.1:${server.address().port}`;
    proxy.cut = () => {
        proxy.cutNow = true;
        for (const s of sockets) s.destroy();
    };
    proxy.restore = () => { proxy.cutNow = false; };
    proxy.close = () => { proxy.cut(); server.close(); };
    return proxy;
}

async function waitUntil(what, condition, timeout = waitMs) {
    const deadline = Date.now() + timeout;
    for (;;) {
        const value = await condition();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
        await new Promise(r => setTimeout(r, 50));
    }
}

// Runs main(), prints its report as one JSON line, exits 1 with the stack on failure.
function run(main) {
    main().then(report => {
        process.stdout.write(JSON.stringify(report) + "\n");
    }).catch(e => {
        process.stderr.write(`${e.stack || e}\n`);
        process.exit(1);
    });
}

module.exports = { env, launchChromium, serveSite, startProxy, waitUntil, run, waitMs };
