// The gateway's status page in headless Chromium, as an operator opens it: first without the dev key
// (refused), then with it (HTTP Basic); while a backend publishes and clients are connected, the page
// must show this node, the cluster's nodes, the connections, the top pipe and a message rate above zero,
// with its charts drawn. Screenshots go to SCREENSHOT_DIR.
"use strict";

const fs = require("fs");
const path = require("path");
const mysql = require("mysql2/promise");
const { env, launchChromium, waitUntil, run, waitMs } = require("./common");

const statusUrl = env("STATUS_URL");
const devKey = env("DEV_KEY");
const screenshotDir = env("SCREENSHOT_DIR");
const expectedNodes = env("EXPECTED_NODES").split(",");

run(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    const report = { pageErrors: [], screenshots: [] };
    const db = await mysql.createConnection({
        host: "127.0.0.1", port: Number(env("COMETQL_PORT")), user: "root", password: devKey, database: "CometQL_v1",
    });
    const browser = await launchChromium();
    let publishing = true;
    const publisher = (async () => {
        while (publishing) {
            await db.query("INSERT INTO pipes_messages (name, event, message) VALUES ('web_status_top', 'tick', 'x')");
            await new Promise(r => setTimeout(r, 50));
        }
    })();
    try {
        // Without credentials headless Chromium gets the 401 and, having no dialog to ask, shows no page.
        const refused = await browser.newContext();
        const anonymous = await refused.newPage();
        report.withoutKeyShown = await anonymous.goto(statusUrl, { timeout: waitMs }).then(() => true, e => String(e.message).split("\n")[0]);
        report.withoutKeyStatus = (await refused.request.get(statusUrl)).status();
        await refused.close();

        const context = await browser.newContext({ httpCredentials: { username: "admin", password: devKey }, viewport: { width: 1280, height: 900 } });
        const page = await context.newPage();
        page.on("pageerror", e => report.pageErrors.push(String(e)));
        await page.goto(statusUrl, { timeout: waitMs });
        // Three polls give two rates; then the figures must reflect the traffic.
        await waitUntil("four samples", async () => Number(await page.evaluate(() => document.body.dataset.samples || 0)) >= 4);
        await waitUntil("a pipe message rate above zero", async () => Number(await page.textContent("#pipe-rate")) > 0);
        await waitUntil("every node listed", async () => (await page.$$eval("#nodes tr", rows => rows.length)) >= expectedNodes.length);
        report.node = await page.textContent("#node");
        report.engine = await page.textContent("#engine");
        report.ready = await page.textContent("#ready");
        report.websockets = Number(await page.textContent("#websockets"));
        report.cometql = Number(await page.textContent("#cometql"));
        report.pipeRate = Number(await page.textContent("#pipe-rate"));
        report.nodes = await page.$$eval("#nodes tr td:first-child", cells => cells.map(c => c.textContent));
        report.topPipes = await page.$$eval("#pipes tr", rows => rows.map(r => [...r.children].map(c => c.textContent)));
        // The charts drew something: pixels that are not the background.
        report.chartPixels = await page.evaluate(() => {
            const canvas = document.getElementById("rates-chart");
            const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let drawn = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) drawn++;
            return drawn;
        });
        const file = path.join(screenshotDir, "status-page.png");
        await page.screenshot({ path: file, fullPage: true });
        report.screenshots.push(file);
        await context.close();
    } finally {
        publishing = false;
        await publisher.catch(() => {});
        await browser.close();
        await db.end();
    }
    report.expectedNodes = expectedNodes;
    return report;
});
