// The chat demo page. The backend (src/Comet.Demo) logs the user in and registers their users_auth
// hash; everything live comes through the gateway with the Comet client: personal messages
// (msg.newMessage), read receipts (msg.readMessage), online status (user_status_<id>) and the
// public room (a web_ pipe whose history comes from pipe_log).
const $ = id => document.getElementById(id);

async function api(path, body) {
    const init = body === undefined ? {} : { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
    const response = await fetch(path, init);
    if (response.status === 204) return null;
    const json = await response.json();
    if (!response.ok) throw new Error(json.error || `HTTP ${response.status}`);
    return json;
}

function showError(e) {
    $("error").textContent = e ? String(e.message || e) : "";
}

function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    node.append(...children);
    return node;
}

async function showLogin() {
    $("login").hidden = false;
    const users = await api("/api/users");
    $("users").replaceChildren(...users.map(u => {
        const button = el("button", { "data-user-id": u.id }, u.name);
        button.onclick = () => api("/api/login", { userId: u.id }).then(startChat, showError);
        return button;
    }));
}

async function startChat(me) {
    $("login").hidden = true;
    $("chat").hidden = false;
    $("logout").hidden = false;
    $("whoami").textContent = `${me.name} (#${me.userId})`;
    const { CometServer } = await import(me.clientModule);
    const comet = CometServer();
    const names = new Map([[me.userId, me.name]]);
    const contacts = new Map();
    const rendered = new Map();
    let openWith = null;

    $("logout").onclick = async () => {
        comet.stop();
        await api("/api/logout", {});
        location.reload();
    };
    comet.onConnectionChange(info => {
        $("connection").className = `state-${info.state}`;
        $("connection").textContent = info.state === "open" ? "online" : info.state;
        $("connection").dataset.node = info.node || "";
        $("connection").dataset.role = info.role || "";
    });

    // Contacts: online status from users_time (the backend) and then user_status_<id> events.
    async function loadContacts() {
        for (const c of await api("/api/contacts")) {
            names.set(c.id, c.name);
            let entry = contacts.get(c.id);
            if (!entry) {
                const li = el("li", { "data-user-id": c.id }, el("span", { class: "dot" }), el("span", { class: "name" }, c.name), el("span", { class: "unread" }));
                li.onclick = () => openConversation(c.id).catch(showError);
                $("contacts").append(li);
                entry = { li };
                contacts.set(c.id, entry);
                comet.subscription(`user_status_${c.id}`, e => setOnline(c.id, e.server_info.event === "online"));
                setOnline(c.id, c.online);
            }
            entry.li.querySelector(".unread").textContent = c.unread > 0 && c.id !== openWith ? String(c.unread) : "";
        }
    }
    function setOnline(id, online) {
        const li = contacts.get(id).li;
        li.classList.toggle("online", online);
        li.dataset.online = String(online);
    }

    // Personal messages: the backend stores them and sends users_messages; the ticks turn blue when read.
    // One tick: delivered to the backend; two: the other user has read it.
    function setRead(li, read) {
        li.dataset.read = String(read);
        const ticks = li.querySelector(".ticks");
        if (ticks) ticks.textContent = read ? "✓✓" : "✓";
    }
    function renderMessage(m) {
        if (rendered.has(m.id)) {
            if (m.read) setRead(rendered.get(m.id), true);
            return;
        }
        const mine = m.from === me.userId;
        const li = el("li", { class: mine ? "mine" : "", "data-id": m.id, "data-from": m.from, "data-read": String(m.read) },
            el("span", { class: "text" }, m.text));
        if (mine) li.append(el("span", { class: "ticks" }));
        setRead(li, m.read);
        rendered.set(m.id, li);
        $("messages").append(li);
        li.scrollIntoView({ block: "end" });
    }
    async function openConversation(id) {
        openWith = id;
        rendered.clear();
        $("messages").replaceChildren();
        for (const li of $("contacts").children) li.classList.toggle("open", Number(li.dataset.userId) === id);
        $("conversation-title").textContent = `Conversation with ${names.get(id)}`;
        $("send-form").hidden = false;
        for (const m of await api(`/api/conversations/${id}`)) renderMessage(m);
        await markRead(id);
    }
    async function markRead(from) {
        contacts.get(from).li.querySelector(".unread").textContent = "";
        await api("/api/read", { from });
    }
    comet.subscription("msg.newMessage", e => {
        const m = e.data;
        if (m.from === openWith) {
            renderMessage(m);
            markRead(m.from).catch(showError);
        } else {
            loadContacts().catch(showError);
        }
    });
    comet.subscription("msg.readMessage", e => {
        if (e.data.by !== openWith) return;
        for (const [id, li] of rendered) {
            if (id <= e.data.upTo && li.classList.contains("mine")) setRead(li, true);
        }
    });
    $("send-form").onsubmit = async event => {
        event.preventDefault();
        const text = $("send-text").value.trim();
        if (!text || openWith === null) return;
        $("send-text").value = "";
        renderMessage(await api("/api/messages", { to: openWith, text }).catch(e => { showError(e); throw e; }));
    };

    // The public room: a web_ pipe; get_pipe_log gives its history and then its live messages.
    const roomIds = new Set();
    function renderRoom(data, userId, key) {
        if (key && roomIds.has(key)) return;
        if (key) roomIds.add(key);
        const li = el("li", { class: userId === me.userId ? "mine" : "", "data-from": userId },
            el("span", { class: "who" }, names.get(userId) || `#${userId}`), el("span", { class: "text" }, data.text));
        $("room").append(li);
        li.scrollIntoView({ block: "end" });
    }
    comet.get_pipe_log(me.room, e => renderRoom(e.data, e.server_info.user_id, e.data && e.data.key));
    $("room-form").onsubmit = event => {
        event.preventDefault();
        const text = $("room-text").value.trim();
        if (!text) return;
        $("room-text").value = "";
        // The gateway does not echo a message to its sender: show it here.
        const data = { text, key: `${me.userId}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` };
        if (comet.web_pipe_send(me.room, "say", data)) renderRoom(data, me.userId, data.key);
    };

    await loadContacts();
    comet.start({ dev_id: me.devId, user_id: me.userId, user_key: me.userKey, node: me.nodes });
}

api("/api/me").then(me => (me ? startChat(me) : showLogin())).catch(showError);
