// What the browser runners share: their environment, headless Chromium, a tiny static site (and the
// site of a page with our client), a CometQL connection, a TCP proxy that can hold back and cut
// connections, page error watching, and polling waits.
"use strict";

const fs = require("fs");
const http = require("http");
const net = require("net");
const path = require("path");
const mysql = require("mysql2/promise");
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

// The site of a page with our client, as the gateway at `gateway` serves it: page/index.html (its one
// script tag pointed at the gateway) and page/harness.js, plus `routes` of the runner's own.
function serveClientSite(gateway, routes = {}) {
    const page = f => path.join(__dirname, "page", f);
    const clientUrl = `http://${gateway}/comet-server/js/CometServerApi.js`;
    return serveSite({
        "/": { body: fs.readFileSync(page("index.html"), "utf8").replace("/CometServerApi.js", clientUrl), type: "text/html" },
        "/harness.js": { file: page("harness.js"), type: "text/javascript" },
        ...routes,
    });
}

// The backend's side: a CometQL connection as dev_id 0.
function connectCometQL(port, password) {
    return mysql.createConnection({ host: "127.0.0.1", port: Number(port), user: "root", password, database: "CometQL_v1" });
}

// Collects a page's script errors and console errors into `errors`, except the refused WebSockets
// Chromium logs when a runner takes the network away on purpose.
function watchErrors(tab, name, errors) {
    tab.on("pageerror", e => errors.push(`${name}: ${e.message}`));
    tab.on("console", m => {
        if (m.type() === "error" && !/^WebSocket connection to .* failed/.test(m.text())) {
            errors.push(`${name} console: ${m.text()}`);
        }
    });
}

// A TCP proxy to a gateway node, so a test can take the network away from the browser and give it
// back: cut() drops every connection and refuses new ones until restore(). hold() stops passing what
// the gateway sends on the connections open now (the gateway's writes succeed, so to the gateway it
// is delivered, but the browser never gets it); new connections pass as usual.
async function startProxy(target) {
    const [host, port] = target.split(":");
    const pairs = new Set();
    const proxy = { accepted: 0, refused: 0, cutNow: false };
    const server = net.createServer(client => {
        if (proxy.cutNow) {
            proxy.refused++;
            client.destroy();
            return;
        }
        proxy.accepted++;
        const upstream = net.connect(Number(port), host);
        const pair = { client, upstream };
        pairs.add(pair);
        for (const s of [client, upstream]) {
            s.on("close", () => pairs.delete(pair));
            s.on("error", () => { client.destroy(); upstream.destroy(); });
        }
        client.pipe(upstream);
        upstream.pipe(client);
    });
    await new Promise(resolve => server.listen(0, "127.0.0.1", resolve));
    proxy.address = `127.0.0.1:${server.address().port}`;
    proxy.cut = () => {
        proxy.cutNow = true;
        for (const { client, upstream } of pairs) {
            client.destroy();
            upstream.destroy();
        }
    };
    proxy.hold = () => {
        for (const { client, upstream } of pairs) {
            upstream.unpipe(client);
            upstream.pause();
        }
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

// Resolves after `ms` milliseconds.
const sleep = ms => new Promise(r => setTimeout(r, ms));

module.exports = {
    env, launchChromium, serveSite, serveClientSite, connectCometQL, watchErrors, startProxy, waitUntil, run, sleep, waitMs,
};
