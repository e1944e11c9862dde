// Opens real Chromium pages that use the CppComet JavaScript API against a running gateway, drives
// the backend side through CometQL (mysql2), and prints one JSON report of what the API callbacks
// received. Usage: node run.js (env GATEWAY_HTTP_PORT, COMETQL_PORT, COMETQL_PASSWORD, CHROMIUM).
"use strict";

const fs = require("fs");
const http = require("http");
const path = require("path");
const mysql = require("mysql2/promise");
const { chromium } = require("playwright-core");

const env = (name, fallback) => {
    const value = process.env[name] ?? fallback;
    if (value === undefined) throw new Error(`Set ${name}.`);
    return value;
};
const gatewayPort = Number(env("GATEWAY_HTTP_PORT"));
const cometqlPort = Number(env("COMETQL_PORT"));
const password = env("COMETQL_PASSWORD");
const chromiumPath = env("CHROMIUM", "/usr/bin/chromium");
const node = `127.0.0.1:${gatewayPort}`;
const waitMs = 30000;

// The original client when it is vendored, else our client as the gateway serves it (README.md).
const vendored = path.join(__dirname, "vendor", "CometServerApi.js");
const clientUrl = fs.existsSync(vendored)
    ? "/CometServerApi.js"
    : `http://${node}/comet-server/js/CometServerApi.js`;
const files = {
    "/": [path.join(__dirname, "page", "index.html"), "text/html; charset=utf-8"],
    "/harness.js": [path.join(__dirname, "page", "harness.js"), "text/javascript; charset=utf-8"],
    "/CometServerApi.js": [vendored, "text/javascript; charset=utf-8"],
};

// The site's one script tag names the client to load.
function fileBody(url, file) {
    const body = fs.readFileSync(file);
    return url === "/" ? body.toString("utf8").replace("/CometServerApi.js", clientUrl) : body;
}

function serveSite() {
    const server = http.createServer((req, res) => {
        const file = files[req.url.split("?")[0]];
        if (!file || !fs.existsSync(file[0])) {
            res.writeHead(404).end();
            return;
        }
        res.writeHead(200, { "Content-Type": file[1] }).end(fileBody(req.url.split("?")[0], file[0]));
    });
    return new Promise(resolve => server.listen(0, "127.0.0.1", () => resolve(server)));
}

async function main() {
    const site = await serveSite();
    const siteUrl = `http://127.0.0.1:${site.address().port}/`;
    const db = await mysql.createConnection({
        host: "127.0.0.1", port: cometqlPort, user: "root", password, database: "CometQL_v1",
    });
    const browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        // playwright adds a fresh temporary --user-data-dir for every launch.
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"],
        timeout: waitMs,
    });
    const report = { client: clientUrl, browser: browser.version(), pageErrors: [] };

    // Each page gets its own context, so its localStorage (the client's uuid) is its own, like a separate browser.
    async function openPage(name, opt) {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on("pageerror", e => report.pageErrors.push(`${name}: ${e.message}`));
        page.on("console", m => { if (m.type() === "error") report.pageErrors.push(`${name} console: ${m.text()}`); });
        await page.goto(siteUrl, { timeout: waitMs });
        await page.evaluate(o => window.bootComet(o), { node, ...opt });
        return { page, context };
    }
    const received = (p, label) => p.page.evaluate(l => window.receivedFor(l), label);
    const waitFor = (p, label, count) => p.page.waitForFunction(
        ([l, n]) => window.receivedFor(l).length >= n, [label, count], { timeout: waitMs });
    // A command answered after earlier traffic proves the earlier traffic has been delivered.
    async function roundTrip(p, label) {
        await p.page.evaluate(l => window.countUsers("web_chat", l), label);
        await waitFor(p, label, 1);
        return (await received(p, label))[0];
    }

    try {
        await db.query("INSERT INTO users_auth (id, hash) VALUES (1001, 'hashForAlice1001'), (1002, 'hashForBob1002')");
        await db.query("INSERT INTO pipes_settings (name, length) VALUES ('web_chat', 10)");

        // 1. Alice's page authorises with the hash the backend stored.
        const alice = await openPage("alice", {
            user_id: 1001, user_key: "hashForAlice1001",
            subscribe: ["web_chat", "web_chat.news", "msg.greeting", "user_status_1002"],
        });
        await alice.page.waitForFunction(() => window.authSuccessCalls > 0, null, { timeout: waitMs });
        report.auth = await alice.page.evaluate(() => ({
            isAuthorized: window.CometServer().isAuthorized(),
            onAuthSuccess: window.authSuccessCalls,
            onAuthFalill: window.authFailCalls,
        }));
        report.countWithAliceOnly = await roundTrip(alice, "count1");

        // 2. Bob connects: Alice sees user_status_1002 online; both now count in web_chat.
        const bob = await openPage("bob", {
            user_id: 1002, user_key: "hashForBob1002", subscribe: ["web_chat", "#web_chat"],
        });
        await waitFor(alice, "user_status_1002", 1);
        await roundTrip(bob, "bobReady");
        report.countWithBoth = await roundTrip(alice, "count2");

        // 3. The backend writes to the pipe: both pages get it.
        await db.query("INSERT INTO pipes_messages (name, event, message) VALUES ('web_chat', 'news', '{\"text\":\"from the backend\"}')");
        await waitFor(alice, "web_chat", 1);
        await waitFor(bob, "web_chat", 1);

        // 4. A personal message reaches Alice's msg.greeting.
        await db.query("INSERT INTO users_messages (id, event, message) VALUES (1001, 'greeting', '{\"n\":1}')");
        await waitFor(alice, "msg.greeting", 1);

        // 5. Bob publishes from the browser: Alice gets it with Bob's id, Bob only his answer.
        report.webPipeSendReturned = await bob.page.evaluate(() => window.sendToPipe("web_chat.say", { text: "Bob's привет" }));
        await waitFor(alice, "web_chat", 2);
        await waitFor(bob, "#web_chat", 1);
        await roundTrip(bob, "bobAfterSend");
        report.bobAnswer = (await received(bob, "#web_chat"))[0];
        report.bobPipe = await received(bob, "web_chat");

        // 6. A third, anonymous page reads the pipe log.
        const carol = await openPage("carol", { user_id: 0, user_key: "", subscribe: [] });
        await carol.page.waitForFunction(() => window.CometServer().isAuthorized() === false, null, { timeout: waitMs });
        await carol.page.evaluate(() => window.pipeLog("web_chat", "log"));
        await waitFor(carol, "log", 2);
        report.carolIsAuthorized = await carol.page.evaluate(() => window.CometServer().isAuthorized());
        report.pipeLog = await received(carol, "log");
        await carol.context.close();

        // 7. Bob leaves: Alice sees user_status_1002 offline.
        await bob.context.close();
        await waitFor(alice, "user_status_1002", 2);
        report.userStatus1002 = await received(alice, "user_status_1002");
        report.alicePipe = await received(alice, "web_chat");
        report.aliceGreetings = await received(alice, "msg.greeting");
        report.aliceNews = await received(alice, "web_chat.news");

        // 8. Alice closes the page; a greeting sent meanwhile waits and arrives on her next visit.
        await alice.context.close();
        await waitForUserOffline(db, 1001);
        await db.query("INSERT INTO users_messages (id, event, message) VALUES (1001, 'greeting', '{\"n\":2}')");
        const aliceAgain = await openPage("alice-again", {
            user_id: 1001, user_key: "hashForAlice1001", subscribe: ["msg.greeting"],
        });
        await waitFor(aliceAgain, "msg.greeting", 1);
        await roundTrip(aliceAgain, "aliceAgainReady");
        report.queuedGreetings = await received(aliceAgain, "msg.greeting");
        await aliceAgain.context.close();
    } finally {
        await browser.close();
        await db.end();
        site.close();
    }
    process.stdout.write(JSON.stringify(report) + "\n");
}

// users_time is 0 while the user has a connection; the page's close reaches the gateway asynchronously.
async function waitForUserOffline(db, id) {
    const deadline = Date.now() + waitMs;
    for (;;) {
        const [rows] = await db.query(`SELECT id, time FROM users_time WHERE id IN (${id})`);
        if (rows.length === 1 && Number(rows[0].time) !== 0) return;
        if (Date.now() > deadline) throw new Error(`User ${id} still online after the page closed.`);
        await new Promise(r => setTimeout(r, 50));
    }
}

main().catch(e => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
});
