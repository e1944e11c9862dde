// Acknowledged personal delivery with our client in real Chromium (run by
// test/Comet.Gateway.Tests/Browser/PersonalAcksRun.cs against two gateways: "wide", with the default ack
// window, and "narrow", which keeps 5 unacknowledged messages per user). The backend sends numbered
// personal messages (event "n", {"n":N}) through CometQL; pages reach the gateways through TCP proxies
// (common.js) that hold back what the gateway wrote (to the gateway it is delivered, the page never
// gets it) and cut connections; page/sockets.js records the wire. Scenarios:
//   acks    a page's ack commands are cumulative and batched, and the gateway drops what they
//           acknowledged: a raw connection of the same user asking to resume after message 1 hears
//           messagesMissed instead of the messages;
//   optOut  with ack: false the page connects as CppComet's client: no ack=, no seq, no ack command;
//   resume  messages held when the connection is cut arrive after the reconnect (ack=<last seq>); with
//           its acks swallowed and the next URL asking for an older seq, the resent repeats are dropped;
//   tabs    three tabs share one connection; the leader closes while messages are held; the tab that
//           takes over resumes after what it processed, and both remaining tabs see every message once;
//   first   a page's first connection is cut before any message reaches it: the reconnect resumes after
//           serverInfo's ackSeq, so the messages held at the cut arrive;
//   missed  on the narrow gateway more messages are held than it keeps: the page is told which it lost.
// Prints one JSON report; a scenario that failed is in its `failed` with the error.
// Env: WIDE_HTTP_PORT, WIDE_COMETQL_PORT, NARROW_HTTP_PORT, NARROW_COMETQL_PORT, COMETQL_PASSWORD, CHROMIUM.
"use strict";

const path = require("path");
const {
    env, launchChromium, serveClientSite, connectCometQL, watchErrors, startProxy, waitUntil, run, sleep, waitMs,
} = require("./common");

const wide = `127.0.0.1:${env("WIDE_HTTP_PORT")}`;
const narrow = `127.0.0.1:${env("NARROW_HTTP_PORT")}`;
const password = env("COMETQL_PASSWORD");

run(async () => {
    const site = await serveClientSite(wide);
    const siteUrl = `http://127.0.0.1:${site.address().port}/`;
    const db = {
        [wide]: await connectCometQL(env("WIDE_COMETQL_PORT"), password),
        [narrow]: await connectCometQL(env("NARROW_COMETQL_PORT"), password),
    };
    const browser = await launchChromium();
    const proxies = [];
    const proxy = async target => { const p = await startProxy(target); proxies.push(p); return p; };
    const report = { pageErrors: [], failed: {} };
    // A scenario that fails is reported with its error, and the others still run: each test reads its own.
    async function scenario(name, body) {
        try {
            await body();
        } catch (e) {
            report.failed[name] = String(e.stack || e);
        }
    }

    async function openTab(context, name, opt) {
        const tab = await context.newPage();
        watchErrors(tab, name, report.pageErrors);
        await tab.addInitScript({ path: path.join(__dirname, "page", "sockets.js") });
        await tab.goto(siteUrl, { timeout: waitMs });
        await tab.evaluate(o => window.bootComet(o), {
            subscribe: ["msg.n"], recordSys: true, reconnect: { initialDelay: 200, maxDelay: 1000 }, ...opt,
        });
        return tab;
    }
    // What the application saw, and what went over the wire.
    const seen = tab => tab.evaluate(() => ({
        messages: window.received.filter(r => r.label === "msg.n").map(r => ({ n: r.msg.data.n, seq: r.msg.server_info.seq, at: r.at })),
        missed: window.receivedFor("missed"),
        sys: window.receivedFor("sys").map(m => ({ event: m.server_info.event, data: m.data })),
        sockets: window.socketLog.sockets,
        info: window.CometServer().getConnectionInfo(),
    }));
    const seqOf = (state, n) => (state.messages.find(m => m.n === n) || {}).seq;
    const acksSent = state => state.sockets.flatMap(s => s.sent.filter(c => c.text.startsWith("ack\n")));
    // On a timeout, say what the tab had seen.
    const waitFor = (tab, what, predicate) => waitUntil(what, async () => predicate(await seen(tab)))
        .catch(async e => { throw new Error(`${e.message} The page: ${JSON.stringify(await seen(tab))}`); });
    const waitForMessage = (tab, n) => waitFor(tab, `message ${n}`, s => s.messages.some(m => m.n === n));
    const waitForAck = (tab, n) => waitFor(tab, `the ack of message ${n}`, s => acksSent(s).some(c => c.text === `ack\n${seqOf(s, n)}`));
    const waitForRole = (tab, role) => waitFor(tab, `a ${role} tab`, s => s.info.role === role && s.info.state === "open");
    const authorised = tab => waitUntil("the page's authorisation", () => tab.evaluate(() => window.CometServer().isAuthorized() === true));
    async function send(node, user, from, to) {
        for (let n = from; n <= to; n++) {
            await db[node].query("INSERT INTO users_messages (id, event, message) VALUES (?, 'n', ?)", [user, JSON.stringify({ n })]);
        }
    }
    // A connection's commands are answered in order: an answer means what was sent before it was taken.
    let fences = 0;
    async function fence(tab) {
        const label = `fence${fences++}`;
        await tab.evaluate(l => window.countUsers("web_fence", l), label);
        await waitUntil(label, () => tab.evaluate(l => window.receivedFor(l).length > 0, label));
    }
    // Holds what the gateway writes to the page, sends, then drops the connection with it.
    async function sendIntoACut(p, node, user, from, to) {
        p.hold();
        await send(node, user, from, to);
        await sleep(500);
        p.cut();
        p.restore();
    }

    try {
        for (const node of [wide, narrow]) {
            await db[node].query("INSERT INTO users_auth (id, hash) VALUES (4001, 'hash4001'), (4002, 'hash4002'), (4003, 'hash4003'), (4004, 'hash4004'), (4005, 'hash4005'), (4006, 'hash4006')");
        }

        // acks: 70 messages at once, then a raw connection asks to resume after the first.
        await scenario("acks", async () => {
            const acks = await openTab(await browser.newContext(), "acks", { user_id: 4004, user_key: "hash4004", node: wide, tabs: false });
            await authorised(acks);
            await send(wide, 4004, 1, 70);
            await waitForMessage(acks, 70);
            await waitForAck(acks, 70);
            await fence(acks);
            report.acks = await seen(acks);
            const probeUrl = `ws://${wide}/ws/sesion=hash4004&myid=4004&devid=0&v=4.08&uuid=${"p".repeat(32)}&api=js&ack=${seqOf(report.acks, 1)}`;
            report.probe = await acks.evaluate(url => new Promise((resolve, reject) => {
                const lines = [];
                const socket = new WebSocket(url);
                socket.onmessage = e => {
                    for (const line of String(e.data).split("\n").filter(l => l.length > 0)) {
                        const msg = JSON.parse(line);
                        lines.push(msg);
                        if (msg.event === "serverInfo") socket.send("user_data\nprobefence\n0");
                        if (msg.marker === "probefence") {
                            socket.close();
                            resolve(lines);
                        }
                    }
                };
                setTimeout(() => reject(new Error(`The probe got no fence: ${JSON.stringify(lines)}`)), 10000);
            }), probeUrl);
        });

        // optOut
        await scenario("optOut", async () => {
            const optOut = await openTab(await browser.newContext(), "optOut", { user_id: 4005, user_key: "hash4005", node: wide, tabs: false, ack: false });
            await authorised(optOut);
            await send(wide, 4005, 1, 2);
            await waitForMessage(optOut, 2);
            await sleep(1200);
            report.optOut = await seen(optOut);
        });

        // resume: 11-20 held and cut; then 21-25 processed but never acknowledged, and a URL that asks
        // for everything after 20: the gateway resends 21-25, which the page must drop.
        await scenario("resume", async () => {
            const pR = await proxy(wide);
            const resume = await openTab(await browser.newContext(), "resume", { user_id: 4001, user_key: "hash4001", node: pR.address, tabs: false });
            await authorised(resume);
            await send(wide, 4001, 1, 10);
            await waitForMessage(resume, 10);
            await waitForAck(resume, 10);
            await sendIntoACut(pR, wide, 4001, 11, 20);
            await waitForMessage(resume, 20);
            await resume.evaluate(() => { window.socketFaults.dropAcks = true; });
            await send(wide, 4001, 21, 25);
            await waitForMessage(resume, 25);
            await waitFor(resume, "a swallowed ack", s => s.sockets.some(k => k.dropped.length > 0));
            const after20 = seqOf(await seen(resume), 20);
            await resume.evaluate(seq => Object.assign(window.socketFaults, { dropAcks: false, ackInUrl: seq }), after20);
            pR.cut();
            pR.restore();
            await waitFor(resume, "the third connection", s => s.sockets.filter(k => k.opened).length >= 3);
            await send(wide, 4001, 26, 30);
            await waitForMessage(resume, 30);
            await fence(resume);
            await sleep(1200);
            report.resume = await seen(resume);
        });

        // tabs: the leader closes while 11-15 are held; 16-20 follow the hand-over.
        await scenario("tabs", async () => {
            const pT = await proxy(wide);
            const tabs = await browser.newContext();
            const tabOptions = { user_id: 4002, user_key: "hash4002", node: pT.address };
            const leader = await openTab(tabs, "tab1", tabOptions);
            await waitForRole(leader, "leader");
            const followers = [await openTab(tabs, "tab2", tabOptions), await openTab(tabs, "tab3", tabOptions)];
            for (const tab of followers) await waitForRole(tab, "follower");
            await send(wide, 4002, 1, 10);
            for (const tab of [leader, ...followers]) await waitForMessage(tab, 10);
            await waitForAck(leader, 10);
            pT.hold();
            await send(wide, 4002, 11, 15);
            await sleep(500);
            report.tabsLeader = await seen(leader);
            await leader.close({ runBeforeUnload: true });
            const tookOver = await waitUntil("a tab to take over", async () => {
                for (const tab of followers) {
                    const info = (await seen(tab)).info;
                    if (info.role === "leader" && info.state === "open") return tab;
                }
                return undefined;
            });
            await send(wide, 4002, 16, 20);
            for (const tab of followers) await waitForMessage(tab, 20);
            await fence(tookOver);
            await sleep(1200);
            report.tabs = { tookOver: await seen(tookOver), followed: await seen(followers.find(t => t !== tookOver)) };
        });

        // first: 1-3 held and cut on the page's first connection.
        await scenario("first", async () => {
            const pF = await proxy(wide);
            const first = await openTab(await browser.newContext(), "first", { user_id: 4006, user_key: "hash4006", node: pF.address, tabs: false });
            await authorised(first);
            await sendIntoACut(pF, wide, 4006, 1, 3);
            await waitForMessage(first, 3);
            await fence(first);
            report.first = await seen(first);
        });

        // missed: 4-13 held and cut on the narrow gateway, which keeps 5 of them.
        await scenario("missed", async () => {
            const pM = await proxy(narrow);
            const missed = await openTab(await browser.newContext(), "missed", { user_id: 4003, user_key: "hash4003", node: pM.address, tabs: false });
            await authorised(missed);
            await send(narrow, 4003, 1, 3);
            await waitForMessage(missed, 3);
            await waitForAck(missed, 3);
            await fence(missed);
            await sendIntoACut(pM, narrow, 4003, 4, 13);
            await waitForMessage(missed, 13);
            await fence(missed);
            report.missed = await seen(missed);
        });
        return report;
    } finally {
        for (const p of proxies) p.close();
        await browser.close();
        for (const node of [wide, narrow]) await db[node].end();
        site.close();
    }
});
