// The chat demo (src/Comet.Demo) in real Chromium, as two people would use it: Alice and Bob in two
// browser contexts, each page connected to a different gateway node (the demo hands user N node
// N % 2). They see each other come online, exchange personal messages with unread counters and read
// receipts, talk in the public room, Bob reloads and loses nothing, Bob leaves and Alice sees him go
// offline. Screenshots of each step go to SCREENSHOT_DIR. Prints one JSON report.
// Env: DEMO_URL, SCREENSHOT_DIR, CHROMIUM.
"use strict";

const fs = require("fs");
const path = require("path");
const { env, launchChromium, run, waitMs } = require("./common");

const demoUrl = env("DEMO_URL");
const screenshotDir = env("SCREENSHOT_DIR");

run(async () => {
    fs.mkdirSync(screenshotDir, { recursive: true });
    const browser = await launchChromium();
    const report = { pageErrors: [], screenshots: [] };
    let step = 0;
    let stage = "start";
    const open = [];

    async function login(name, userId) {
        const context = await browser.newContext({ viewport: { width: 1100, height: 650 } });
        const page = await context.newPage();
        page.on("pageerror", e => report.pageErrors.push(`${name}: ${e.message}`));
        page.on("console", m => { if (m.type() === "error") report.pageErrors.push(`${name} console: ${m.text()}`); });
        await page.goto(demoUrl, { timeout: waitMs });
        await page.click(`#users button[data-user-id="${userId}"]`, { timeout: waitMs });
        open.push([name, page]);
        await waitForOnline(page);
        return page;
    }
    const waitForOnline = page => page.waitForSelector("#connection.state-open", { timeout: waitMs });
    async function shot(label, ...pages) {
        step++;
        for (const [who, page] of pages) {
            const file = path.join(screenshotDir, `${String(step).padStart(2, "0")}-${label}-${who}.png`);
            await page.screenshot({ path: file });
            report.screenshots.push(file);
        }
    }
    const texts = (page, selector) => page.$$eval(selector, els => els.map(e => e.textContent));
    const waitForTexts = (page, selector, count) => page.waitForFunction(
        ([s, n]) => document.querySelectorAll(s).length >= n, [selector, count], { timeout: waitMs });
    const contact = (page, id) => page.$eval(`#contacts li[data-user-id="${id}"]`, li => ({
        online: li.dataset.online === "true", unread: li.querySelector(".unread").textContent,
    }));
    async function send(page, formInput, text) {
        await page.fill(formInput, text);
        await page.press(formInput, "Enter");
    }

    try {
        stage = "log in";
        // 1. Alice logs in; Bob is offline. Bob logs in; Alice sees him come online.
        const alice = await login("alice", 1);
        report.aliceSeesBobBefore = await contact(alice, 2);
        const bob = await login("bob", 2);
        await alice.waitForSelector('#contacts li[data-user-id="2"][data-online="true"]', { timeout: waitMs });
        report.aliceSeesBobOnline = await contact(alice, 2);
        report.nodes = {
            alice: await alice.$eval("#connection", e => e.dataset.node),
            bob: await bob.$eval("#connection", e => e.dataset.node),
        };
        await shot("both-online", ["alice", alice], ["bob", bob]);

        stage = "personal message";
        // 2. Alice writes to Bob: Bob's counter shows 1 unread; he opens the conversation and reads
        // it; Alice's message gets its read receipt.
        await alice.click('#contacts li[data-user-id="2"]');
        await alice.waitForSelector("#send-form:not([hidden])", { timeout: waitMs });
        await send(alice, "#send-text", "Hi Bob, it's Alice");
        await bob.waitForFunction(() => document.querySelector('#contacts li[data-user-id="1"] .unread').textContent === "1", null, { timeout: waitMs });
        report.bobUnreadBeforeOpening = await contact(bob, 1);
        report.aliceTicksBeforeRead = await alice.$eval("#messages li.mine", li => ({ read: li.dataset.read, ticks: li.querySelector(".ticks").textContent }));
        await shot("unread", ["alice", alice], ["bob", bob]);
        await bob.click('#contacts li[data-user-id="1"]');
        await waitForTexts(bob, "#messages li", 1);
        await alice.waitForSelector('#messages li.mine[data-read="true"]', { timeout: waitMs });
        report.aliceTicksAfterRead = await alice.$eval("#messages li.mine", li => ({ read: li.dataset.read, ticks: li.querySelector(".ticks").textContent }));
        report.bobUnreadAfterOpening = await contact(bob, 1);

        stage = "reply";
        // 3. Bob answers in the open conversation: it appears on Alice's side at once.
        await send(bob, "#send-text", "Hello Alice! Bob here <b>not bold</b>");
        await waitForTexts(alice, "#messages li", 2);
        report.aliceConversation = await texts(alice, "#messages li .text");
        await shot("conversation", ["alice", alice], ["bob", bob]);

        stage = "room";
        // 4. The public room.
        await send(alice, "#room-text", "Morning, room!");
        await waitForTexts(bob, "#room li", 1);
        await send(bob, "#room-text", "Morning, Alice.");
        await waitForTexts(alice, "#room li", 2);
        report.aliceRoom = await texts(alice, "#room li");
        report.bobRoom = await texts(bob, "#room li");
        await shot("room", ["alice", alice], ["bob", bob]);

        stage = "reload";
        // 5. Bob reloads: still logged in, and the room and the conversation are all there, once.
        await bob.reload({ timeout: waitMs });
        await waitForOnline(bob);
        await waitForTexts(bob, "#room li", 2);
        await bob.click('#contacts li[data-user-id="1"]');
        await waitForTexts(bob, "#messages li", 2);
        // A message sent after the reload proves the page is live again (and flushes any duplicates).
        await send(alice, "#room-text", "Welcome back, Bob");
        await waitForTexts(bob, "#room li", 3);
        report.bobRoomAfterReload = await texts(bob, "#room li");
        report.bobConversationAfterReload = await texts(bob, "#messages li .text");
        await shot("after-reload", ["bob", bob]);

        stage = "leave";
        // 6. Bob leaves; Alice sees him go offline.
        await bob.context().close();
        await alice.waitForSelector('#contacts li[data-user-id="2"][data-online="false"]', { timeout: waitMs });
        report.aliceSeesBobAfterHeLeft = await contact(alice, 2);
        await shot("bob-left", ["alice", alice]);
    } catch (e) {
        // Keep what the pages showed when it went wrong, next to the other screenshots.
        for (const [who, page] of open) {
            await page.screenshot({ path: path.join(screenshotDir, `failed-${stage.replace(/ /g, "-")}-${who}.png`) }).catch(() => {});
        }
        e.message = `${e.message} (during: ${stage})`;
        throw e;
    } finally {
        await browser.close();
    }
    return report;
});
