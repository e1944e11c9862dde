/*
 * Comet.Gateway browser client: a drop-in successor of CppComet's CometServerApi.js (4.08).
 * Same globals (CometServer(), cometApi, cometServerApi), same method names and callback shape
 * ({data, server_info:{user_id, pipe, event, history, marker, uuid}}), same wire protocol
 * (docs/websocket.md). What it adds (docs/client.md):
 *   - reconnection with exponential backoff and jitter, failing over between the nodes given;
 *   - one WebSocket per browser shared by all its tabs (leader elected with Web Locks, messages
 *     relayed over BroadcastChannel); every tab keeps its own subscriptions and callbacks;
 *   - after a reconnect, the messages of logged pipes published while disconnected are fetched
 *     with pipe_log and delivered once (server_info.recovered = true);
 *   - with a JWT and a refreshToken callback, a fresh token before the old one expires, sent on the
 *     open connection (refresh_token), and used to reconnect after an expiry;
 *   - acknowledged personal delivery: personal messages carry a seq, the client acknowledges what it
 *     processed and resumes after it on every reconnect, so each tab sees each one exactly once.
 * No build step: this file is a classic script; comet.js re-exports it as an ES module.
 */
(function (global) {
    "use strict";

    // Loaded twice (a script tag and the ES module): keep the first instance.
    if (global.CometServer && global.CometServer.isCometGatewayClient) {
        return;
    }

    var VERSION = "4.08";
    var PIPE_EVENT = /^([^.]+)\.([^.]+)$/;
    var MARKER_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    // Pipes whose history is not a pipe log (or that the server replays itself): never recovered.
    var NOT_RECOVERED = /^(msg|sys|_answer|track_|user_status_|trust_)/;
    var MAX_QUEUED_COMMANDS = 1000;
    var MAX_REMEMBERED_DELAYS = 20;
    // The gateway's close when a JWT expired without a refresh (docs/websocket.md).
    var TOKEN_EXPIRED_CODE = 1008;
    var TOKEN_EXPIRED_REASON = "The authorisation token expired; reconnect with a fresh one.";
    // Acknowledged personal delivery (docs/client.md): the server takes one cumulative ack at most
    // every ACK_INTERVAL ms while some personal messages are unacknowledged, or at once after ACK_BATCH.
    var ACK_INTERVAL = 1000;
    var ACK_BATCH = 64;

    function log(level, text, detail) {
        if (global.console && global.console[level]) {
            global.console[level]("[comet] " + text, detail === undefined ? "" : detail);
        }
    }

    function randomString(length, alphabet) {
        var s = "";
        for (var i = 0; i < length; i++) {
            s += alphabet[Math.floor(Math.random() * alphabet.length)];
        }
        return s;
    }

    function newMarker() {
        return randomString(10, MARKER_ALPHABET);
    }

    // One uuid per browser in localStorage, as the original keeps it, so reloads keep their identity.
    function browserUuid() {
        try {
            var stored = global.localStorage.comet_server_uuid;
            if (stored && /^[A-Za-z0-9_-]{32}$/.test(stored)) {
                return stored;
            }
            var fresh = randomString(32, "qwertyuiopasdfghjklzxcvbnm1234567890QWERTYUIOPASDFGHJKLZXCVBNM");
            global.localStorage.comet_server_uuid = fresh;
            return fresh;
        } catch (e) {
            return randomString(32, "abcdef0123456789");
        }
    }

    // A short non-secret digest, so tabs share a connection only with the same credentials.
    function digest(text) {
        var h = 5381;
        for (var i = 0; i < text.length; i++) {
            h = ((h * 33) ^ text.charCodeAt(i)) >>> 0;
        }
        return h.toString(36);
    }

    function stripslashes(s) {
        return s.replace(/\\(.?)/g, function (all, c) {
            return c === "0" ? "\u0000" : c === "" ? "" : c;
        });
    }

    // String data that holds JSON reaches callbacks parsed, as in the original.
    function parseData(data) {
        if (typeof data !== "string") {
            return data;
        }
        var attempts = [data.replace(/\\'/g, "'"), stripslashes(data)];
        for (var i = 0; i < attempts.length; i++) {
            try {
                var parsed = JSON.parse(attempts[i]);
                if (parsed !== undefined) {
                    return parsed;
                }
            } catch (e) { /* try the next form */ }
        }
        return data;
    }

    // The identity of a pipe message, the same for its live delivery and its pipe_log replay.
    function signature(msg) {
        return msg.message_send_time + "\u0000" + (msg.user_id || 0) + "\u0000" + msg.event + "\u0000" +
            (typeof msg.data === "string" ? msg.data : JSON.stringify(msg.data));
    }

    // ---------------------------------------------------------------------------------------------
    // Signals: named callback slots (the original's signal bus, minus its cross-tab part).

    function Signals() {
        this.slots = {};
        this.nextId = 0;
    }
    Signals.prototype.connect = function (signal, fn) {
        var id = "sig" + (this.nextId++);
        (this.slots[signal] = this.slots[signal] || {})[id] = fn;
        return id;
    };
    Signals.prototype.disconnect = function (id) {
        for (var s in this.slots) {
            if (this.slots[s][id]) {
                delete this.slots[s][id];
                return s;
            }
        }
        return undefined;
    };
    Signals.prototype.has = function (signal) {
        var slots = this.slots[signal];
        return !!slots && Object.keys(slots).length > 0;
    };
    Signals.prototype.emit = function (signal, param) {
        var slots = this.slots[signal];
        if (!slots) {
            return;
        }
        var ids = Object.keys(slots);
        for (var i = 0; i < ids.length; i++) {
            var fn = slots[ids[i]];
            if (!fn) {
                continue;
            }
            try {
                fn(param, signal);
            } catch (e) {
                log("error", "a callback of " + signal + " threw", e);
            }
        }
    };

    // ---------------------------------------------------------------------------------------------
    // Backoff: exponential with "equal jitter" (half fixed, half random), capped.

    function Backoff(options) {
        this.initial = options.initialDelay;
        this.max = options.maxDelay;
        this.attempt = 0;
    }
    Backoff.prototype.next = function () {
        var ceiling = Math.min(this.max, this.initial * Math.pow(2, this.attempt));
        this.attempt++;
        return Math.round(ceiling / 2 + Math.random() * ceiling / 2);
    };
    Backoff.prototype.ceiling = function (attempt) {
        return Math.min(this.max, this.initial * Math.pow(2, attempt));
    };
    Backoff.prototype.reset = function () {
        this.attempt = 0;
    };

    // ---------------------------------------------------------------------------------------------
    // AckBatch: the `ack\n<seq>` commands of one connection. processedSeq() is the highest personal
    // seq the tab holding the connection processed; send(text) is false when the socket is not open.
    // An ack is cumulative, so a batch is just the latest value, sent when it is due.

    function AckBatch(processedSeq, send) {
        this.processedSeq = processedSeq;
        this.send = send;
        this.acked = 0;
        this.last = 0;
        this.unacked = 0;
        this.timer = undefined;
    }
    // The server knows `seq` from the connect URL (ack=seq): nothing up to it needs an ack command.
    AckBatch.prototype.connecting = function (seq) {
        this.closed();
        this.acked = this.last = seq;
    };
    // serverInfo's ackSeq: where the server resumes this connection, which it need not be told again.
    AckBatch.prototype.resumed = function (seq) {
        this.acked = Math.max(this.acked, seq);
        this.last = Math.max(this.last, seq);
    };
    AckBatch.prototype.processed = function () {
        var seq = this.processedSeq();
        if (seq <= this.last) {
            return;
        }
        this.last = seq;
        if (++this.unacked >= ACK_BATCH) {
            this.flush();
        } else if (this.timer === undefined) {
            var self = this;
            this.timer = setTimeout(function () {
                self.timer = undefined;
                self.flush();
            }, ACK_INTERVAL);
        }
    };
    AckBatch.prototype.flush = function () {
        clearTimeout(this.timer);
        this.timer = undefined;
        var seq = this.processedSeq();
        if (seq > this.acked && this.send("ack\n" + seq)) {
            this.acked = seq;
            this.unacked = 0;
        }
    };
    // What was not acknowledged on a lost socket goes in the next connect URL instead.
    AckBatch.prototype.closed = function () {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.unacked = 0;
    };

    // ---------------------------------------------------------------------------------------------
    // Connection: the one WebSocket (held by the leader tab). It keeps the union of every tab's
    // pipes subscribed, queues commands while closed, routes pipe_log replies to the tab that asked,
    // reports every server message to `deliver(msg, tabId|null, purpose)`, and acknowledges the
    // personal messages up to `processedSeq()` (the highest seq its tab processed).

    function Connection(options, deliver, stateChanged, processedSeq) {
        var self = this;
        this.options = options;
        this.deliver = deliver;
        this.stateChanged = stateChanged;
        this.processedSeq = processedSeq;
        this.acks = new AckBatch(processedSeq, function (text) {
            // The gateway answers an ack on a connection that did not ask for acks with an error.
            if (!self.isOpen() || !self.acksPersonal()) {
                return false;
            }
            self.socket.send(text);
            return true;
        });
        this.nodes = [].concat(options.nodes || options.node || []);
        this.nodeIndex = 0;
        this.backoff = new Backoff(options.reconnect);
        this.socket = undefined;
        this.stopped = false;
        this.queue = [];
        this.pipesByTab = {};
        this.sentPipes = "";
        this.logRequests = [];
        this.pendingWebSends = {};
        this.subscriptionTimer = undefined;
        this.retryTimer = undefined;
        // Token refresh: the pending refreshToken() call, the token's exp (Unix seconds) as the server
        // last told it, and whether the last close was for an expired token.
        this.refreshing = undefined;
        this.tokenExp = undefined;
        this.tokenExpired = false;
        this.info = { state: "connecting", node: undefined, connects: 0, failures: 0, delays: [] };
    }

    Connection.prototype.url = function (node) {
        var o = this.options;
        var scheme = o.wss ? "wss" : "ws";
        if (/^wss?:\/\//.test(node)) {
            scheme = node.substring(0, node.indexOf(":"));
            node = node.substring(scheme.length + 3);
        }
        var url = scheme + "://" + node + "/ws/sesion=" + (o.user_key || "") +
            "&myid=" + (o.user_id || 0) + "&devid=" + o.dev_id + "&v=" + VERSION +
            "&uuid=" + o.uuid + "&api=js";
        return this.acksPersonal() ? url + "&ack=" + this.acks.acked : url;
    };

    // Only an authorised connection has personal messages to acknowledge (docs/client.md).
    Connection.prototype.acksPersonal = function () {
        return this.options.ack !== false && Number(this.options.user_id) > 0;
    };

    Connection.prototype.start = function () {
        if (this.nodes.length === 0) {
            log("error", "start(): no node given (node: \"host:port\" or nodes: [...])");
            return;
        }
        this.connect();
    };

    Connection.prototype.setState = function (state) {
        this.info.state = state;
        this.stateChanged(this.snapshot());
    };

    Connection.prototype.snapshot = function () {
        return {
            state: this.info.state,
            node: this.info.node,
            connects: this.info.connects,
            failures: this.info.failures,
            delays: this.info.delays.slice()
        };
    };

    Connection.prototype.connect = function () {
        var self = this;
        var node = this.nodes[this.nodeIndex % this.nodes.length];
        var socket;
        this.info.node = node;
        this.setState("connecting");
        this.acks.connecting(this.processedSeq());
        try {
            socket = new WebSocket(this.url(node));
        } catch (e) {
            log("error", "cannot open " + node, e);
            this.scheduleReconnect();
            return;
        }
        this.socket = socket;
        var opened = false;
        socket.onopen = function () {
            opened = true;
            self.info.connects++;
            self.sentPipes = "";
            self.setState("open");
            self.sendSubscriptions();
            for (var i = 0; i < self.logRequests.length; i++) {
                self.sendLogRequest(self.logRequests[i]);
            }
            self.flush();
        };
        socket.onmessage = function (event) {
            // A socket already replaced or stopped (a restart as another user) delivers nothing more.
            if (self.socket !== socket) {
                return;
            }
            var lines = String(event.data).split("\n");
            for (var i = 0; i < lines.length; i++) {
                if (lines[i].length === 0) {
                    continue;
                }
                var msg;
                try {
                    msg = JSON.parse(lines[i].replace(/\\'/g, "'"));
                } catch (e) {
                    log("error", "unreadable message", lines[i]);
                    continue;
                }
                self.receive(msg);
            }
        };
        socket.onclose = function (event) {
            if (self.socket !== socket) {
                return;
            }
            self.socket = undefined;
            self.acks.closed();
            // Requests whose answers were lost with the socket are asked again on the next one.
            for (var i = 0; i < self.logRequests.length; i++) {
                self.logRequests[i].sent = false;
            }
            self.pendingWebSends = {};
            if (self.stopped) {
                return;
            }
            if (!opened) {
                self.info.failures++;
            }
            if (event.code === 1000 && event.wasClean && opened) {
                // A clean close by the server is still a reason to come back (e.g. a node drained).
                self.backoff.reset();
            }
            if (event.code === TOKEN_EXPIRED_CODE && event.reason === TOKEN_EXPIRED_REASON) {
                self.tokenExpired = true;
            }
            self.scheduleReconnect();
        };
    };

    Connection.prototype.scheduleReconnect = function () {
        var self = this;
        if (this.stopped) {
            return;
        }
        // Try the next node: a dead node is left behind at once, a live one is back in the rotation.
        this.nodeIndex = (this.nodeIndex + 1) % this.nodes.length;
        var delay = this.backoff.next();
        this.info.delays.push({ attempt: this.backoff.attempt - 1, delay: delay, ceiling: this.backoff.ceiling(this.backoff.attempt - 1) });
        if (this.info.delays.length > MAX_REMEMBERED_DELAYS) {
            this.info.delays.shift();
        }
        this.setState("waiting");
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(function () {
            if (!self.stopped && !self.socket) {
                self.reconnect();
            }
        }, delay);
    };

    // Reconnects; with an expired token, first asks the page for a fresh one (else the connection
    // would open anonymously). A failed refresh waits for the next backoff step and asks again.
    Connection.prototype.reconnect = function () {
        var self = this;
        var expired = this.tokenExpired || (this.tokenExp !== undefined && Date.now() >= this.tokenExp * 1000);
        if (!expired || typeof this.options.refreshToken !== "function") {
            this.connect();
            return;
        }
        this.setState("waiting");
        this.freshToken().then(function (token) {
            if (self.stopped || self.socket) {
                return;
            }
            if (token === undefined) {
                self.scheduleReconnect();
                return;
            }
            self.connect();
        });
    };

    // Asks the page's refreshToken() for a token (one call at a time) and keeps it for reconnects.
    // Resolves to the token, or undefined when the callback failed or gave none.
    Connection.prototype.freshToken = function () {
        var self = this;
        if (!this.refreshing) {
            var ask = this.options.refreshToken;
            this.refreshing = new Promise(function (resolve) { resolve(ask()); }).then(function (token) {
                self.refreshing = undefined;
                if (typeof token !== "string" || token.length === 0) {
                    throw new Error("refreshToken() gave no token");
                }
                self.options.user_key = token;
                self.tokenExp = undefined;
                self.tokenExpired = false;
                return token;
            }, function (e) {
                self.refreshing = undefined;
                throw e;
            });
        }
        return this.refreshing.then(undefined, function (e) {
            log("warn", "refreshToken() failed; the server closes the connection when its token expires", e);
            return undefined;
        });
    };

    // The server's word on the connection's token: warned (refresh now), refreshed, or refused.
    Connection.prototype.onTokenEvent = function (msg) {
        var data = msg.data || {};
        if (msg.event === "tokenExpiring") {
            this.tokenExp = data.exp;
            if (typeof this.options.refreshToken !== "function") {
                return;
            }
            var socket = this.socket;
            var self = this;
            this.freshToken().then(function (token) {
                if (token !== undefined && self.socket === socket && self.isOpen()) {
                    socket.send("refresh_token\n" + token);
                }
            });
        } else if (msg.event === "tokenRefreshed") {
            this.tokenExp = data.exp;
        } else if (msg.event === "error" && data.code === "401") {
            log("warn", "the server refused the fresh token", data.error);
        }
    };

    Connection.prototype.stop = function () {
        this.stopped = true;
        clearTimeout(this.retryTimer);
        clearTimeout(this.subscriptionTimer);
        if (this.socket) {
            // A deliberate close tells the server what was processed: it need not keep it for a resume.
            this.acks.flush();
            this.acks.closed();
            var socket = this.socket;
            this.socket = undefined;
            socket.close(1000);
        }
        this.setState("stopped");
    };

    Connection.prototype.isOpen = function () {
        return !!this.socket && this.socket.readyState === 1;
    };

    Connection.prototype.send = function (text) {
        if (this.isOpen()) {
            this.socket.send(text);
            return;
        }
        if (this.queue.length >= MAX_QUEUED_COMMANDS) {
            log("warn", "the command queue is full; dropping the oldest command");
            this.queue.shift();
        }
        this.queue.push(text);
    };

    Connection.prototype.flush = function () {
        while (this.isOpen() && this.queue.length > 0) {
            this.socket.send(this.queue.shift());
        }
    };

    // The server replaces the whole set on every subscription command, so the union is sent.
    Connection.prototype.setPipes = function (tabId, pipes) {
        if (pipes) {
            this.pipesByTab[tabId] = pipes.slice();
        } else {
            delete this.pipesByTab[tabId];
        }
        var self = this;
        clearTimeout(this.subscriptionTimer);
        this.subscriptionTimer = setTimeout(function () { self.sendSubscriptions(); }, 50);
    };

    Connection.prototype.sendSubscriptions = function () {
        clearTimeout(this.subscriptionTimer);
        var union = [];
        for (var tab in this.pipesByTab) {
            var pipes = this.pipesByTab[tab];
            for (var i = 0; i < pipes.length; i++) {
                if (union.indexOf(pipes[i]) < 0) {
                    union.push(pipes[i]);
                }
            }
        }
        var list = union.join("\n");
        if (!this.isOpen() || list === this.sentPipes) {
            return;
        }
        this.sentPipes = list;
        this.socket.send("subscription\n" + list);
    };

    // pipe_log answers carry no marker, but one connection's commands are answered in order: the
    // log is followed by a cheap fence command whose marked answer says the log is complete.
    Connection.prototype.requestLog = function (pipe, tabId, purpose) {
        var request = { pipe: pipe, tab: tabId, purpose: purpose, fence: "f" + newMarker().substring(1), sent: false };
        this.logRequests.push(request);
        if (this.isOpen()) {
            this.sendSubscriptions();
            this.sendLogRequest(request);
        }
    };

    Connection.prototype.sendLogRequest = function (request) {
        request.sent = true;
        this.socket.send("pipe_log\n" + request.pipe + "\n" + newMarker() + "\n");
        this.socket.send("user_data\n" + request.fence + "\n0");
    };

    Connection.prototype.webPipeSend = function (tabId, pipe, event, text) {
        (this.pendingWebSends[pipe] = this.pendingWebSends[pipe] || []).push({ tab: tabId, event: event, text: text });
        this.send("web_pipe2\n" + pipe + "\n" + event + "\n*\n" + text);
    };

    Connection.prototype.receive = function (msg) {
        if (msg.pipe === "sys" && msg.event === "serverInfo") {
            this.backoff.reset();
            if (typeof msg.ackSeq === "number") {
                this.acks.resumed(msg.ackSeq);
            }
        }
        if (msg.pipe === "sys") {
            this.onTokenEvent(msg);
        }
        var head = this.firstSentLogRequest();
        if (head && msg.marker === head.fence) {
            this.logRequests.splice(this.logRequests.indexOf(head), 1);
            this.deliver({ logDone: head.pipe }, head.tab, head.purpose);
            return;
        }
        if (head && msg.fromQueue && msg.pipe === head.pipe) {
            this.deliver(msg, head.tab, head.purpose);
            return;
        }
        this.deliver(msg, null, undefined);
        if (msg.pipe === "msg" && typeof msg.seq === "number") {
            this.acks.processed();
        }
        this.echoOwnWebSend(msg);
    };

    Connection.prototype.firstSentLogRequest = function () {
        for (var i = 0; i < this.logRequests.length; i++) {
            if (this.logRequests[i].sent) {
                return this.logRequests[i];
            }
        }
        return undefined;
    };

    // The server does not echo a web_pipe2 to the connection that sent it; with one connection per
    // browser the other tabs would miss it, so its answer is turned into the message for them.
    Connection.prototype.echoOwnWebSend = function (msg) {
        if (typeof msg.pipe !== "string" || msg.pipe.indexOf("_answer_to_") !== 0 || msg.event !== "answer") {
            return;
        }
        var pipe = msg.pipe.substring("_answer_to_".length);
        var pending = this.pendingWebSends[pipe];
        if (!pending || pending.length === 0) {
            return;
        }
        var sent = pending.shift();
        var echo = {
            data: sent.text,
            event: sent.event,
            message_send_time: msg.message_send_time,
            pipe: pipe.charAt(0) === "@" ? pipe.substring(1) : pipe,
            user_id: pipe.charAt(0) === "@" ? 0 : Number(this.options.user_id) || 0
        };
        this.deliver(echo, null, { echoFrom: sent.tab });
    };

    // ---------------------------------------------------------------------------------------------
    // Links: how one tab reaches the connection. LocalLink owns it; SharedLink elects a leader tab
    // with Web Locks and relays over BroadcastChannel.

    function LocalLink(client) {
        this.client = client;
        this.connection = undefined;
    }
    LocalLink.prototype.open = function (options) {
        var client = this.client;
        this.connection = new Connection(options,
            function (msg, tab, purpose) { client.receive(msg, purpose && purpose.echoFrom ? "own" : purpose); },
            function (info) { client.connectionChanged(info, "single"); },
            function () { return client.processedSeq(); });
        this.connection.start();
    };
    LocalLink.prototype.close = function () {
        if (this.connection) {
            this.connection.stop();
        }
    };
    LocalLink.prototype.setPipes = function (pipes) { this.connection.setPipes("self", pipes); };
    LocalLink.prototype.send = function (text) { this.connection.send(text); };
    LocalLink.prototype.requestLog = function (pipe, purpose) { this.connection.requestLog(pipe, "self", purpose); };
    LocalLink.prototype.webPipeSend = function (pipe, event, text) { this.connection.webPipeSend("self", pipe, event, text); };

    function SharedLink(client, key) {
        this.client = client;
        this.key = key;
        this.tabId = randomString(12, MARKER_ALPHABET);
        this.connection = undefined;
        this.channel = undefined;
        this.releaseLock = undefined;
        this.pipes = [];
        this.closed = false;
        this.role = undefined;
        this.pending = [];
    }

    SharedLink.prototype.open = function (options) {
        var self = this;
        this.options = options;
        this.channel = new BroadcastChannel("comet-gateway:" + this.key);
        this.channel.onmessage = function (event) { self.onChannel(event.data); };
        this.client.connectionChanged({ state: "follower" }, "follower");
        this.post({ t: "hello", tab: this.tabId });
        // Whoever holds the lock is the leader. A tab that finds it taken follows at once and waits
        // in the lock's queue to take over; until it knows its role, its commands wait.
        var lockName = "comet-gateway:" + this.key;
        var hold = function () {
            return new Promise(function (resolve) {
                self.releaseLock = resolve;
                self.lead();
            });
        };
        navigator.locks.request(lockName, { ifAvailable: true }, function (lock) {
            if (self.closed) {
                return undefined;
            }
            if (lock) {
                return hold();
            }
            self.follow();
            navigator.locks.request(lockName, function () {
                return self.closed ? undefined : hold();
            });
            return undefined;
        });
        this.onPageHide = function () { self.close(); };
        global.addEventListener("pagehide", this.onPageHide);
    };

    SharedLink.prototype.follow = function () {
        this.role = "follower";
        this.flushPending();
    };

    SharedLink.prototype.flushPending = function () {
        var pending = this.pending;
        this.pending = [];
        for (var i = 0; i < pending.length; i++) {
            this.dispatch(pending[i]);
        }
    };

    // A command of this tab: to its own connection when it leads, else to the leader.
    SharedLink.prototype.dispatch = function (m) {
        if (this.role === undefined) {
            this.pending.push(m);
        } else if (this.connection) {
            this.onChannel(m);
        } else {
            this.post(m);
        }
    };

    SharedLink.prototype.lead = function () {
        var self = this;
        this.role = "leader";
        // It resumes personal messages after the last one this tab processed (followers process every
        // relayed one), so a hand-over neither repeats nor loses any.
        this.connection = new Connection(this.options,
            function (msg, tab, purpose) { self.fromConnection(msg, tab, purpose); },
            function (info) {
                self.client.connectionChanged(info, "leader");
                self.post({ t: "state", info: info });
            },
            function () { return self.client.processedSeq(); });
        this.connection.setPipes(this.tabId, this.pipes);
        this.connection.start();
        // Followers answer with their pipes; a new connection makes every tab recover what it missed.
        this.post({ t: "leader", tab: this.tabId });
        this.flushPending();
    };

    SharedLink.prototype.fromConnection = function (msg, tab, purpose) {
        if (purpose && purpose.echoFrom) {
            this.client.receive(msg, purpose.echoFrom === this.tabId ? "own" : undefined);
            this.post({ t: "msg", msg: msg, echoFrom: purpose.echoFrom });
            return;
        }
        if (msg.pipe === "sys" && msg.event === "serverInfo") {
            this.serverInfo = msg;
        }
        if (tab === null || tab === this.tabId) {
            this.client.receive(msg, purpose);
        }
        if (tab !== this.tabId) {
            this.post({ t: "msg", msg: msg, to: tab, purpose: purpose });
        }
    };

    SharedLink.prototype.onChannel = function (m) {
        if (!m || this.closed) {
            return;
        }
        var c = this.connection;
        switch (m.t) {
            case "msg":
                if (m.echoFrom) {
                    this.client.receive(m.msg, m.echoFrom === this.tabId ? "own" : undefined);
                } else if (m.to === null || m.to === undefined || m.to === this.tabId) {
                    this.client.receive(m.msg, m.purpose);
                }
                break;
            case "state":
                this.client.connectionChanged(m.info, "follower");
                break;
            case "leader":
                if (m.tab !== this.tabId) {
                    this.post({ t: "pipes", tab: this.tabId, pipes: this.pipes });
                }
                break;
            case "hello":
                if (c) {
                    this.post({ t: "welcome", to: m.tab, serverInfo: this.serverInfo, info: c.snapshot(), seq: this.client.processedSeq() });
                }
                break;
            case "welcome":
                if (m.to === this.tabId) {
                    this.client.connectionChanged(m.info, "follower");
                    // Should this tab take over before a personal message reaches it, it resumes where the leader is.
                    this.client.raiseSeq(m.seq);
                    if (m.serverInfo) {
                        this.client.receive(m.serverInfo, "joined");
                    }
                }
                break;
            case "pipes":
                if (c) c.setPipes(m.tab, m.pipes);
                break;
            case "bye":
                if (c) c.setPipes(m.tab, undefined);
                break;
            case "send":
                if (c) c.send(m.text);
                break;
            case "log":
                if (c) c.requestLog(m.pipe, m.tab, m.purpose);
                break;
            case "web":
                if (c) c.webPipeSend(m.tab, m.pipe, m.event, m.text);
                break;
        }
    };

    SharedLink.prototype.post = function (m) {
        if (this.channel && !this.closed) {
            this.channel.postMessage(m);
        }
    };

    SharedLink.prototype.close = function () {
        if (this.closed) {
            return;
        }
        this.post({ t: "bye", tab: this.tabId });
        this.closed = true;
        global.removeEventListener("pagehide", this.onPageHide);
        if (this.connection) {
            this.connection.stop();
            this.connection = undefined;
        }
        if (this.releaseLock) {
            this.releaseLock();
        }
        this.channel.close();
    };

    SharedLink.prototype.setPipes = function (pipes) {
        this.pipes = pipes.slice();
        this.dispatch({ t: "pipes", tab: this.tabId, pipes: this.pipes });
    };
    SharedLink.prototype.send = function (text) {
        this.dispatch({ t: "send", tab: this.tabId, text: text });
    };
    SharedLink.prototype.requestLog = function (pipe, purpose) {
        this.dispatch({ t: "log", tab: this.tabId, pipe: pipe, purpose: purpose });
    };
    SharedLink.prototype.webPipeSend = function (pipe, event, text) {
        this.dispatch({ t: "web", tab: this.tabId, pipe: pipe, event: event, text: text });
    };

    function canShareTabs() {
        return typeof BroadcastChannel === "function" && typeof navigator !== "undefined" &&
            !!navigator.locks && typeof navigator.locks.request === "function";
    }

    // ---------------------------------------------------------------------------------------------
    // The public API, one per tab: subscriptions, callbacks, authorisation and recovery cursors.

    function CometServerApi() {
        this.version = VERSION;
        this.options = {};
        this.signals = new Signals();
        this.pipes = [];
        this.link = undefined;
        this.authorized = undefined;
        this.realUserKey = undefined;
        this.connectedOnce = false;
        this.serverTime = undefined;
        this.cursors = {};
        // The highest personal-message seq this tab processed, per "dev_id:user_id", so the same user
        // resumes after a restart and another user starts at 0.
        this.seqs = {};
        this.info = { state: "stopped", role: undefined };
        // Commands given before start(), sent once it connects (as the original queued them).
        this.beforeStart = [];
    }

    CometServerApi.prototype.withLink = function (action) {
        if (this.link) {
            action(this.link);
        } else {
            this.beforeStart.push(action);
        }
    };

    CometServerApi.prototype.start = function (opt) {
        var o = opt || {};
        for (var key in o) {
            if (Object.prototype.hasOwnProperty.call(o, key)) {
                this.options[key] = o[key];
            }
        }
        var options = this.options;
        if (options.dev_id === undefined) {
            options.dev_id = 0;
        }
        if (!options.uuid) {
            options.uuid = browserUuid();
        }
        var reconnect = options.reconnect || {};
        options.reconnect = {
            initialDelay: reconnect.initialDelay > 0 ? reconnect.initialDelay : 300,
            maxDelay: reconnect.maxDelay > 0 ? reconnect.maxDelay : 30000
        };
        if (this.link) {
            this.link.close();
        }
        var nodes = [].concat(options.nodes || options.node || []);
        var share = options.tabs !== false && canShareTabs();
        this.connectedOnce = false;
        this.link = share
            ? new SharedLink(this, digest([options.dev_id, options.user_id, options.user_key, nodes.join(","), options.ack !== false].join("|")))
            : new LocalLink(this);
        this.link.open(options);
        this.link.setPipes(this.pipes);
        var waiting = this.beforeStart;
        this.beforeStart = [];
        for (var i = 0; i < waiting.length; i++) {
            waiting[i](this.link);
        }
        return true;
    };

    CometServerApi.prototype.stop = function () {
        if (this.link) {
            this.link.close();
            this.link = undefined;
        }
        this.info = { state: "stopped", role: undefined };
    };

    CometServerApi.prototype.restart = function (opt) {
        this.stop();
        return this.start(opt);
    };

    // Connection state for pages that show it: {state, role, node, connects, failures, delays}.
    CometServerApi.prototype.getConnectionInfo = function () {
        return JSON.parse(JSON.stringify(this.info));
    };

    CometServerApi.prototype.onConnectionChange = function (callback) {
        return this.signals.connect("__comet_connection", callback);
    };

    // callback({from, to}): personal messages with seq from..to were sent while this browser was
    // away too long (or too many of them) to be resent; fetch them from the site's own backend.
    CometServerApi.prototype.onMessagesMissed = function (callback) {
        return this.signals.connect("__comet_messagesMissed", callback);
    };

    CometServerApi.prototype.connectionChanged = function (info, role) {
        var next = {};
        for (var k in info) {
            next[k] = info[k];
        }
        next.role = role;
        this.info = next;
        this.signals.emit("__comet_connection", this.getConnectionInfo());
    };

    // purpose: undefined (live or broadcast), "recover" (a log this tab asked after a reconnect),
    // "log" (a log get_pipe_log asked), "joined" (the leader's serverInfo for a tab that joined),
    // "own" (this tab's own web_pipe_send, which the server does not send back).
    CometServerApi.prototype.receive = function (msg, purpose) {
        if (msg.logDone !== undefined) {
            if (purpose === "recover" && this.cursors[msg.logDone]) {
                delete this.cursors[msg.logDone].recovering;
            }
            return;
        }
        if (purpose === "own") {
            this.advanceCursor(msg);
            return;
        }
        if (msg.pipe === "msg" && typeof msg.seq === "number") {
            // A resumed connection may resend what this tab already processed (docs/client.md).
            if (msg.seq <= this.processedSeq()) {
                return;
            }
            this.raiseSeq(msg.seq);
        }
        if (msg.pipe === "sys" && msg.event === "messagesMissed") {
            this.reportMissed(msg.data);
        }
        if (typeof msg.message_send_time === "number" && !msg.fromQueue) {
            this.serverTime = Math.max(this.serverTime || 0, msg.message_send_time);
        }
        if (msg.data === undefined) {
            return;
        }
        if (msg.error > 400) {
            // The server refused the connection itself: reconnecting cannot help.
            log("error", "CometServerError:" + msg.error, msg.data);
            this.stop();
        }
        if (msg.authorized !== undefined && msg.event === "serverInfo" && msg.pipe === "sys") {
            this.onServerInfo(msg, purpose);
            return;
        }
        if (purpose === "recover") {
            if (!this.isMissed(msg)) {
                return;
            }
            msg.recovered = true;
        }
        if (purpose === "recover" || (purpose !== "log" && !msg.fromQueue)) {
            this.advanceCursor(msg);
        }
        this.emit(msg);
    };

    CometServerApi.prototype.onServerInfo = function (msg, purpose) {
        // Where the server resumes the connection: what follows is after it. On a first connect (ack=0)
        // it is the seq before the first message, so a reconnect before any message loses none.
        this.raiseSeq(msg.ackSeq);
        var value = msg.authorized === true || msg.authorized === "true";
        var changed = this.authorized !== value;
        this.authorized = value;
        this.realUserKey = String(msg.data).replace(" ", "_");
        if (changed) {
            this.signals.emit(value ? "__comet_onAuthSuccess" : "__comet_onAuthFalill");
        }
        var reconnected = this.connectedOnce && purpose !== "joined";
        this.connectedOnce = true;
        this.startCursors();
        if (reconnected && this.options.recover !== false) {
            this.recover();
        }
    };

    CometServerApi.prototype.processedSeq = function () {
        return this.seqs[this.options.dev_id + ":" + (this.options.user_id || 0)] || 0;
    };

    CometServerApi.prototype.raiseSeq = function (seq) {
        if (typeof seq === "number" && seq > this.processedSeq()) {
            this.seqs[this.options.dev_id + ":" + (this.options.user_id || 0)] = seq;
        }
    };

    // The server no longer holds personal messages from..to: the application hears it once, and a
    // later reconnect does not ask for them again.
    CometServerApi.prototype.reportMissed = function (range) {
        if (!range || typeof range.from !== "number" || typeof range.to !== "number") {
            return;
        }
        this.raiseSeq(range.to);
        this.signals.emit("__comet_messagesMissed", { from: range.from, to: range.to });
    };

    // A pipe's cursor: the newest message time seen and the messages of that second.
    CometServerApi.prototype.startCursors = function () {
        for (var i = 0; i < this.pipes.length; i++) {
            var pipe = this.pipes[i];
            if (!this.cursors[pipe] && this.serverTime !== undefined && !NOT_RECOVERED.test(pipe)) {
                this.cursors[pipe] = { time: this.serverTime, seen: {} };
            }
        }
    };

    CometServerApi.prototype.advanceCursor = function (msg) {
        var cursor = this.cursors[msg.pipe];
        var time = msg.message_send_time;
        if (!cursor || typeof time !== "number") {
            return;
        }
        if (cursor.recovering) {
            // Live messages that overtake the log replay must not be delivered twice.
            cursor.recovering.live[signature(msg)] = true;
        }
        if (time < cursor.time) {
            return;
        }
        if (time > cursor.time) {
            cursor.time = time;
            cursor.seen = {};
        }
        cursor.seen[signature(msg)] = true;
    };

    // Missed = newer than the cursor as it was when the connection came back, and not delivered since.
    CometServerApi.prototype.isMissed = function (msg) {
        var cursor = this.cursors[msg.pipe];
        var floor = cursor && cursor.recovering;
        var time = msg.message_send_time;
        if (!floor || typeof time !== "number") {
            return false;
        }
        var sig = signature(msg);
        return (time > floor.time || (time === floor.time && !floor.seen[sig])) && !floor.live[sig];
    };

    CometServerApi.prototype.recover = function () {
        for (var pipe in this.cursors) {
            if (this.pipes.indexOf(pipe) >= 0) {
                var cursor = this.cursors[pipe];
                cursor.recovering = { time: cursor.time, seen: Object.assign({}, cursor.seen), live: {} };
                this.link.requestLog(pipe, "recover");
            }
        }
    };

    CometServerApi.prototype.emit = function (msg) {
        var result = {
            data: parseData(msg.data),
            server_info: {
                user_id: msg.user_id || 0,
                pipe: msg.pipe,
                event: msg.event,
                history: msg.history === true,
                marker: msg.marker,
                uuid: msg.uuid
            }
        };
        if (msg.recovered) {
            result.server_info.recovered = true;
        }
        if (msg.pipe === "msg" && typeof msg.seq === "number") {
            result.server_info.seq = msg.seq;
        }
        var hasEvent = typeof msg.event === "string" || typeof msg.event === "number";
        if (msg.pipe !== undefined) {
            this.signals.emit(msg.pipe, result);
            if (hasEvent) {
                this.signals.emit(msg.pipe + "." + msg.event, result);
            }
        } else if (hasEvent) {
            this.signals.emit("msg." + msg.event, result);
            this.signals.emit("msg", result);
        } else {
            this.signals.emit("msg", result);
        }
        if (msg.marker) {
            this.signals.emit(msg.marker, result);
        }
        this.signals.emit("comet_server_msg", result);
    };

    CometServerApi.prototype.onAuthSuccess = function (cb) {
        return this.signals.connect("__comet_onAuthSuccess", cb);
    };

    CometServerApi.prototype.onAuthFalill = function (cb) {
        return this.signals.connect("__comet_onAuthFalill", cb);
    };

    CometServerApi.prototype.isAuthorized = function () {
        return this.authorized;
    };

    CometServerApi.prototype.getRealUserKey = function () {
        return this.realUserKey;
    };

    CometServerApi.prototype.getUserId = function () {
        return this.options.user_id;
    };

    CometServerApi.prototype.send = function (text) {
        this.withLink(function (link) { link.send(text); });
        return true;
    };

    CometServerApi.prototype.addPipe = function (pipe) {
        if (pipe === "msg" || this.pipes.indexOf(pipe) >= 0) {
            return;
        }
        this.pipes.push(pipe);
        this.startCursors();
        if (this.link) {
            this.link.setPipes(this.pipes);
        }
    };

    // A pipe leaves the server's list once no callback of this tab listens to it any more.
    CometServerApi.prototype.dropPipeIfUnused = function (signal) {
        var pipe = signal;
        var match = PIPE_EVENT.exec(signal);
        if (match) {
            pipe = match[1];
        }
        var index = this.pipes.indexOf(pipe);
        if (index < 0) {
            return;
        }
        for (var s in this.signals.slots) {
            if ((s === pipe || s.indexOf(pipe + ".") === 0) && this.signals.has(s)) {
                return;
            }
        }
        this.pipes.splice(index, 1);
        delete this.cursors[pipe];
        if (this.link) {
            this.link.setPipes(this.pipes);
        }
    };

    CometServerApi.prototype.subscription = function (name, callback) {
        if (typeof name === "function" || name === "" || name === undefined) {
            return this.signals.connect("comet_server_msg", typeof name === "function" ? name : callback);
        }
        var pipe = name;
        var match = PIPE_EVENT.exec(name);
        if (match) {
            pipe = match[1];
        }
        if (/^#/.test(pipe)) {
            var answerPipe = "_answer_to_" + pipe.substring(1);
            return this.signals.connect(match ? answerPipe + "." + match[2] : answerPipe, callback);
        }
        var id = this.signals.connect(name, callback);
        this.addPipe(pipe);
        return id;
    };

    CometServerApi.prototype.unsubscription = function (id) {
        var signal = this.signals.disconnect(id);
        if (signal === undefined) {
            return false;
        }
        this.dropPipeIfUnused(signal);
        return true;
    };

    CometServerApi.prototype.subscription_once = function (name, callback) {
        var self = this;
        var id = this.subscription(name, function (msg, signal) {
            self.unsubscription(id);
            callback(msg, signal);
        });
        return id;
    };

    CometServerApi.prototype.web_pipe_send = function (name, event, msg) {
        if (msg === undefined) {
            msg = event;
            event = "undefined";
            var match = PIPE_EVENT.exec(name);
            if (match) {
                name = match[1];
                event = match[2];
            }
        }
        if (!/^@?(web_|webauth_)/.test(name)) {
            log("error", "Invalid channel name " + name + ": it must start with web_, webauth_ or @web_");
            return false;
        }
        var text = JSON.stringify(msg);
        this.withLink(function (link) { link.webPipeSend(name, event, text); });
        return true;
    };

    CometServerApi.prototype.askWithMarker = function (command, callback) {
        var self = this;
        var marker = newMarker();
        if (callback) {
            var id = this.signals.connect(marker, function (msg, signal) {
                self.signals.disconnect(id);
                callback(msg, signal);
            });
        }
        this.send(command(marker));
        return marker;
    };

    // The log arrives as ordinary messages of the pipe (to this tab only), so, like the original,
    // the callback becomes a subscription to the pipe.
    CometServerApi.prototype.get_pipe_log = function (pipe, callback) {
        if (callback) {
            this.subscription(pipe, callback);
        } else {
            this.addPipe(pipe);
        }
        this.withLink(function (link) { link.requestLog(pipe, "log"); });
        return true;
    };

    CometServerApi.prototype.count_users_in_pipe = function (pipe, callback) {
        return this.askWithMarker(function (marker) {
            return "pipe_count\n" + pipe + "\n" + marker + "\n";
        }, callback);
    };

    CometServerApi.prototype.getTrackPipeUsers = function (pipe, callback) {
        return this.askWithMarker(function (marker) {
            return "track_pipe_users\n" + pipe + "\n" + marker + "\n";
        }, callback);
    };

    CometServerApi.prototype.getUserData = function (userId, callback) {
        return this.askWithMarker(function (marker) {
            return "user_data\n" + marker + "\n" + userId;
        }, callback);
    };

    var singleton;
    function CometServer() {
        if (!singleton) {
            singleton = new CometServerApi();
        }
        return singleton;
    }
    CometServer.isCometGatewayClient = true;
    CometServer.version = VERSION;

    global.CometServer = CometServer;
    global.cometServerApi = CometServerApi;
    global.cometApi = CometServer();
})(typeof window !== "undefined" ? window : globalThis);
