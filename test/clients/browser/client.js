// What our client adds to CometServerApi.js, in real Chromium against two gateway nodes on one Redis
// (run by test/Comet.Gateway.Tests/Browser/ClientLibraryRun.cs): the ES module and its typings;
// reconnection with backoff and jitter; failover to the other node with recovery of the logged-pipe
// messages missed meanwhile; one connection shared by the tabs of a browser, and its hand-over when
// the leader tab closes. Browsers reach the nodes through TCP proxies (common.js) that the runner
// cuts and restores. Prints one JSON report.
// Env: NODE_A, NODE_B (host:port), COMETQL_PORT (node B), COMETQL_PASSWORD, CHROMIUM.
"use strict";

const fs = require("fs");
const path = require("path");
const { env, launchChromium, serveClientSite, connectCometQL, watchErrors, startProxy, waitUntil, run, waitMs } = require("./common");

const nodeA = env("NODE_A");
const nodeB = env("NODE_B");
const page = f => path.join(__dirname, "page", f);

run(async () => {
    const site = await serveClientSite(nodeA, {
        "/module.html": { body: fs.readFileSync(page("module.html"), "utf8").replace("GATEWAY", nodeA), type: "text/html" },
    });
    const siteUrl = `http://127.0.0.1:${site.address().port}/`;
    const db = await connectCometQL(env("COMETQL_PORT"), env("COMETQL_PASSWORD"));
    const browser = await launchChromium();
    const proxies = [];
    const proxy = async target => { const p = await startProxy(target); proxies.push(p); return p; };
    const report = { pageErrors: [] };

    async function openTab(context, name, opt) {
        const tab = await context.newPage();
        watchErrors(tab, name, report.pageErrors);
        await tab.goto(siteUrl, { timeout: waitMs });
        await tab.evaluate(o => window.bootComet(o), opt);
        return tab;
    }
    const received = (tab, label) => tab.evaluate(l => window.receivedFor(l), label);
    const info = tab => tab.evaluate(() => window.CometServer().getConnectionInfo());
    // On a timeout, say what the tab had received and how its connection stood.
    const waitForCount = (tab, label, n) => tab.waitForFunction(
        ([l, c]) => window.receivedFor(l).length >= c, [label, n], { timeout: waitMs }).catch(async e => {
        const seen = JSON.stringify(await tab.evaluate(() => window.received));
        throw new Error(`${e.message}\nwaiting for ${n} of ${label}; received ${seen}\nconnection ${JSON.stringify(await info(tab))}`);
    });
    const waitForState = (tab, predicate, what) => waitUntil(what, async () => predicate(await info(tab)));
    // A connection's commands are answered in order: an answer after the subscription means the
    // subscription is in place. A follower's subscription goes through the leader, so it polls.
    let asked = 0;
    async function countSubscribers(tab, pipe) {
        const label = `count${asked++}`;
        await tab.evaluate(([p, l]) => window.countUsers(p, l), [pipe, label]);
        await waitForCount(tab, label, 1);
        return (await received(tab, label))[0].data;
    }
    const waitForSubscribers = (tab, pipe, n) =>
        waitUntil(`${n} subscribers of ${pipe}`, async () => (await countSubscribers(tab, pipe))[1] >= n);
    const publish = (pipe, text) => db.query(
        "INSERT INTO pipes_messages (name, event, message) VALUES (?, 'say', ?)", [pipe, JSON.stringify({ text })]);

    try {
        await db.query("INSERT INTO users_auth (id, hash) VALUES (2001, 'hash2001'), (2002, 'hash2002'), (2003, 'hash2003')");
        await db.query("INSERT INTO pipes_settings (name, length) VALUES ('web_room', 50), ('web_tabs', 50)");

        // 1. The ES module is the same client as the classic script, and has every typed method.
        const moduleContext = await browser.newContext();
        const modulePage = await moduleContext.newPage();
        modulePage.on("pageerror", e => report.pageErrors.push(`module: ${e.message}`));
        await modulePage.goto(siteUrl + "module.html", { timeout: waitMs });
        report.module = await (await modulePage.waitForFunction(() => window.moduleReport, null, { timeout: waitMs })).jsonValue();
        const typings = fs.readFileSync(path.join(__dirname, "..", "..", "..", "src", "Comet.Client", "js", "comet.d.ts"), "utf8");
        const apiBlock = typings.slice(typings.indexOf("export interface CometServerApi {"));
        const typed = [...new Set([...apiBlock.slice(0, apiBlock.indexOf("\n}")).matchAll(/^\s{4}(\w+)\s*[<(]/gm)].map(m => m[1]))];
        report.typedMethods = typed;
        report.typedButMissing = typed.filter(m => !report.module.methods.includes(m));
        await moduleContext.close();

        // 2. Backoff, failover and recovery: a page on [A, B] loses both, the backend publishes,
        // then only B comes back; the page reconnects to B and gets what it missed, once.
        const pA = await proxy(nodeA);
        const pB = await proxy(nodeB);
        const roam = await openTab(await browser.newContext(), "roam", {
            user_id: 2001, user_key: "hash2001", nodes: [pA.address, pB.address],
            reconnect: { initialDelay: 200, maxDelay: 1600 }, subscribe: ["web_room"],
        });
        await waitForState(roam, i => i.state === "open" && i.node === pA.address, "the page to connect to A");
        await roam.waitForFunction(() => window.CometServer().isAuthorized() === true, null, { timeout: waitMs });
        report.roamFirstNode = (await info(roam)).node;
        await waitForSubscribers(roam, "web_room", 1);
        await publish("web_room", "m1 live");
        await waitForCount(roam, "web_room", 1);
        pA.cut();
        pB.cut();
        await publish("web_room", "m2 while away");
        await publish("web_room", "m3 while away");
        await waitForState(roam, i => i.failures >= 6, "six failed reconnects");
        report.delays = (await info(roam)).delays;
        pB.restore();
        await waitForCount(roam, "web_room", 3);
        report.roamAfterFailover = await info(roam);
        await publish("web_room", "m4 live again");
        await waitForCount(roam, "web_room", 4);
        // A round trip after m4: anything duplicated would have arrived by now.
        await roam.evaluate(() => window.countUsers("web_room", "roamFence"));
        await waitForCount(roam, "roamFence", 1);
        report.roamRoom = await received(roam, "web_room");
        await roam.context().close();

        // 3. Two tabs of one browser share one connection; the follower subscribes, asks and
        // publishes through the leader; when the leader tab closes, the other takes over.
        const pT = await proxy(nodeA);
        const other = await openTab(await browser.newContext(), "other", {
            user_id: 2003, user_key: "hash2003", nodes: [pB.address], subscribe: ["web_room"],
        });
        const tabs = await browser.newContext();
        const tabOptions = { user_id: 2002, user_key: "hash2002", nodes: [pT.address], reconnect: { initialDelay: 200, maxDelay: 1600 } };
        const leader = await openTab(tabs, "tab1", { ...tabOptions, subscribe: ["web_room", "msg.note"] });
        await waitForState(leader, i => i.role === "leader" && i.state === "open", "tab 1 to lead");
        const follower = await openTab(tabs, "tab2", { ...tabOptions, subscribe: ["web_tabs", "msg.note"] });
        await waitForState(follower, i => i.role === "follower" && i.state === "open", "tab 2 to follow");
        await follower.waitForFunction(() => window.CometServer().isAuthorized() === true, null, { timeout: waitMs });
        await waitForState(other, i => i.state === "open", "the other browser to connect");

        await waitForSubscribers(follower, "web_tabs", 1);
        await waitForSubscribers(leader, "web_room", 2);
        report.followerCount = await countSubscribers(follower, "web_tabs");
        await publish("web_tabs", "t1 for tab 2");
        await waitForCount(follower, "web_tabs", 1);
        await db.query("INSERT INTO users_messages (id, event, message) VALUES (2002, 'note', '{\"n\":1}')");
        await waitForCount(leader, "msg.note", 1);
        await waitForCount(follower, "msg.note", 1);
        report.followerSendReturned = await follower.evaluate(() => window.sendToPipe("web_room.say", { text: "from tab 2" }));
        await waitForCount(other, "web_room", 1);
        await waitForCount(leader, "web_room", 1);
        report.tabsConnectionsBeforeHandover = pT.accepted;
        report.leaderRoom = await received(leader, "web_room");
        report.otherRoom = await received(other, "web_room");
        report.followerTabs = await received(follower, "web_tabs");

        await leader.close({ runBeforeUnload: true });
        await waitForState(follower, i => i.role === "leader" && i.state === "open", "tab 2 to take over");
        report.tabsConnectionsAfterHandover = pT.accepted;
        await countSubscribers(follower, "web_tabs");
        await publish("web_tabs", "t2 after the hand-over");
        await waitForCount(follower, "web_tabs", 2);
        await follower.evaluate(() => window.countUsers("web_tabs", "followerFence"));
        await waitForCount(follower, "followerFence", 1);
        report.followerTabsAfter = await received(follower, "web_tabs");
        report.followerNotes = await received(follower, "msg.note");
    } finally {
        for (const p of proxies) p.close();
        await browser.close();
        await db.end();
        site.close();
    }
    return report;
});
