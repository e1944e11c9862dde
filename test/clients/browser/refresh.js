// Token expiry and refresh with our client in real Chromium (run by
// test/Comet.Gateway.Tests/Browser/TokenRefreshRun.cs, against a gateway that warns 2 s before exp).
// Page "renewing" connects with a 4-second JWT and a refreshToken callback that gets a fresh one from
// the site: it must be warned, refresh on the open connection, stay open past the first exp and keep
// receiving. Page "failing" has a callback the site refuses: it must be closed at exp with the reason,
// and once the site gives tokens again, reconnect with a fresh one. Prints one JSON report.
// Env: GATEWAY_HTTP_PORT, COMETQL_PORT, COMETQL_PASSWORD, CHROMIUM.
"use strict";

const crypto = require("crypto");
const path = require("path");
const { env, launchChromium, serveClientSite, connectCometQL, watchErrors, waitUntil, run, waitMs } = require("./common");

const gateway = `127.0.0.1:${env("GATEWAY_HTTP_PORT")}`;
const password = env("COMETQL_PASSWORD");
const firstLifetime = 4;

// A CppComet JWT: HS256, secret = the dev key followed by the dev_id (0).
function jwt(userId, seconds) {
    const part = o => Buffer.from(JSON.stringify(o)).toString("base64url");
    const signed = `${part({ alg: "HS256", typ: "JWT" })}.${part({ user_id: userId, exp: Math.floor(Date.now() / 1000) + seconds })}`;
    return `${signed}.${crypto.createHmac("sha256", password + "0").update(signed).digest("base64url")}`;
}

const expOf = token => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).exp;

run(async () => {
    const refusing = new Set();
    const site = await serveClientSite(gateway, {
        // The site's token endpoint: a fresh 30-second token, or "" (a failure) for a user it refuses.
        "/token": {
            body: req => {
                const user = Number(new URL(req.url, "http://site").searchParams.get("user"));
                return refusing.has(user) ? "" : jwt(user, 30);
            },
            type: "text/plain",
        },
    });
    const siteUrl = `http://127.0.0.1:${site.address().port}/`;
    const db = await connectCometQL(env("COMETQL_PORT"), password);
    const browser = await launchChromium();
    const report = { pageErrors: [], firstExp: {} };

    // Opens a page and starts the client with a token of firstLifetime seconds, minted at the last moment.
    async function openPage(name, userId) {
        const tab = await (await browser.newContext()).newPage();
        watchErrors(tab, name, report.pageErrors);
        // Every close the page's WebSockets see, with code and reason (the client does not expose them).
        await tab.addInitScript({ path: path.join(__dirname, "page", "sockets.js") });
        await tab.goto(siteUrl, { timeout: waitMs });
        const token = jwt(userId, firstLifetime);
        report.firstExp[name] = expOf(token) * 1000;
        await tab.evaluate(o => window.bootComet(o), {
            user_id: userId, user_key: token, node: gateway, subscribe: ["web_refresh"], recordSys: true, tabs: false,
            refreshUrl: `${siteUrl}token?user=${userId}`, reconnect: { initialDelay: 200, maxDelay: 1000 },
        });
        return tab;
    }
    const state = tab => tab.evaluate(() => ({
        info: window.CometServer().getConnectionInfo(),
        authorized: window.CometServer().isAuthorized(),
        closes: window.socketLog.closes,
        refreshCalls: window.refreshCalls || 0,
        sys: window.receivedFor("sys").map(m => ({ event: m.server_info.event, data: m.data })),
        room: window.receivedFor("web_refresh").map(m => m.data.text),
    }));
    // Publishes until the page has the message: a subscription has no answer to wait for.
    async function publishUntilReceived(tab, text) {
        await waitUntil(`"${text}" on the page`, async () => {
            await db.query("INSERT INTO pipes_messages (name, event, message) VALUES ('web_refresh', 'say', ?)", [JSON.stringify({ text })]);
            await new Promise(r => setTimeout(r, 300));
            return (await state(tab)).room.includes(text);
        });
    }

    try {
        refusing.add(3002);
        const [renewing, failing] = await Promise.all([openPage("renewing", 3001), openPage("failing", 3002)]);

        // The renewing page: warned, refreshed, still on its first connection after the first exp.
        await waitUntil("the renewing page's refresh", async () => (await state(renewing)).sys.some(m => m.event === "tokenRefreshed"));
        await waitUntil("the first token's exp to pass", async () => Date.now() > report.firstExp.renewing + 1500);
        await publishUntilReceived(renewing, "after the first exp");
        report.renewing = await state(renewing);

        // The failing page: closed at exp with the reason; then the site gives tokens again.
        await waitUntil("the failing page's close", async () => (await state(failing)).closes.length > 0)
            .catch(async e => { throw new Error(`${e.message} The page: ${JSON.stringify(await state(failing))}`); });
        report.failingAtClose = await state(failing);
        refusing.delete(3002);
        await waitUntil("the failing page's reconnect", async () => {
            const s = await state(failing);
            return s.info.state === "open" && s.info.connects >= 2 && s.authorized === true;
        });
        await publishUntilReceived(failing, "after the reconnect");
        report.failingAfterReconnect = await state(failing);
        return report;
    } finally {
        await browser.close();
        await db.end();
        site.close();
    }
});
