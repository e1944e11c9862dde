/*
 * A minimal, independently written stand-in for CppComet's CometServerApi.js 4.08, used only when
 * vendor/CometServerApi.js (the original) is absent. It keeps the original's public API and its wire
 * behaviour as described in /work/shared/spec/cppcomet-protocol.md section 5: the positional URL with
 * `sesion`, the full subscription list re-sent on every change and on open, `web_pipe2`,
 * `pipe_log`/`pipe_count` with a 10-character marker, `\n`-separated JSON lines, the
 * {data, server_info:{user_id,pipe,event,history,marker,uuid}} callback shape, and the signals
 * `pipe`, `pipe.event`, `marker` and `comet_server_msg`. Left out: cross-tab master election
 * (disabled in 4.08 anyway), the XHR fallback, statistics, cluster node lists and uuid dedup.
 */
(function (window) {
    "use strict";

    var VERSION = "4.08";
    var PIPE_EVENT = /^([^.]+)\.([^.]+)$/;

    function randomString(length, alphabet) {
        var s = "";
        for (var i = 0; i < length; i++) {
            s += alphabet[Math.floor(Math.random() * alphabet.length)];
        }
        return s;
    }

    function newMarker() {
        return randomString(10, "0123456789abcdefghijklmnopqrstuvwxyz");
    }

    // The original keeps one uuid per browser in localStorage so reloads keep their identity.
    function browserUuid() {
        try {
            var stored = window.localStorage.comet_server_uuid;
            if (stored && /^[A-Za-z0-9_-]{32}$/.test(stored)) {
                return stored;
            }
            var fresh = randomString(32, "qwertyuiopasdfghjklzxcvbnm1234567890QWERTYUIOPASDFGHJKLZXCVBNM");
            window.localStorage.comet_server_uuid = fresh;
            return fresh;
        } catch (e) {
            return randomString(32, "abcdef0123456789");
        }
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

    function Signals() {
        this.slots = {};
        this.nextId = 0;
    }
    Signals.prototype.connect = function (signal, fn, slotName) {
        var name = slotName || "sig" + (this.nextId++);
        (this.slots[signal] = this.slots[signal] || {})[name] = fn;
        return name;
    };
    Signals.prototype.disconnect = function (slotName, signal) {
        var found = false;
        for (var s in this.slots) {
            if ((signal === undefined || s === signal) && this.slots[s][slotName]) {
                delete this.slots[s][slotName];
                found = true;
            }
        }
        return found;
    };
    Signals.prototype.emit = function (signal, param) {
        var slots = this.slots[signal];
        if (!slots) {
            return;
        }
        for (var name in slots) {
            if (Object.prototype.hasOwnProperty.call(slots, name)) {
                slots[name](param, signal);
            }
        }
    };

    function CometServerApi() {
        this.version = VERSION;
        this.options = {};
        this.signals = new Signals();
        this.pipes = [];
        this.sendQueue = [];
        this.socket = undefined;
        this.authorized = undefined;
        this.realUserKey = undefined;
        this.stopped = true;
        this.fatal = false;
        this.subscriptionTimer = undefined;
        this.reconnectDelay = 300;
    }

    CometServerApi.prototype.start = function (opt) {
        var o = opt || {};
        for (var key in o) {
            this.options[key] = o[key];
        }
        if (this.options.dev_id === undefined) {
            this.options.dev_id = 0;
        }
        if (!this.options.uuid) {
            this.options.uuid = browserUuid();
        }
        this.stopped = false;
        this.fatal = false;
        this.connect();
        return true;
    };

    CometServerApi.prototype.stop = function () {
        this.stopped = true;
        if (this.socket) {
            this.socket.close();
            this.socket = undefined;
        }
    };

    CometServerApi.prototype.restart = function (opt) {
        this.stop();
        this.start(opt);
    };

    CometServerApi.prototype.url = function () {
        var o = this.options;
        var node = o.node || (o.nodes && o.nodes[0]);
        return "ws" + (o.wss ? "s" : "") + "://" + node + "/ws/sesion=" + (o.user_key || "") +
            "&myid=" + (o.user_id || 0) + "&devid=" + o.dev_id + "&v=" + VERSION +
            "&uuid=" + o.uuid + "&api=js";
    };

    CometServerApi.prototype.connect = function () {
        var self = this;
        var socket = new WebSocket(this.url());
        this.socket = socket;
        socket.onopen = function () {
            self.reconnectDelay = 300;
            self.flush();
        };
        socket.onmessage = function (event) {
            self.reconnectDelay = 1000;
            var lines = String(event.data).split("\n");
            for (var i = 0; i < lines.length; i++) {
                if (lines[i].length === 0) {
                    continue;
                }
                try {
                    self.cultivate(JSON.parse(lines[i].replace(/\\'/g, "'")));
                } catch (e) {
                    if (window.console) console.error("[comet] unreadable message", lines[i], e);
                }
            }
        };
        socket.onclose = function (event) {
            if (self.socket !== socket) {
                return;
            }
            self.socket = undefined;
            if (self.stopped || self.fatal || event.wasClean && event.code === 1000) {
                return;
            }
            setTimeout(function () {
                if (!self.stopped && !self.socket) {
                    self.connect();
                }
            }, self.reconnectDelay);
        };
    };

    CometServerApi.prototype.cultivate = function (msg) {
        if (msg.data === undefined) {
            return;
        }
        if (msg.error > 400) {
            // The server refused the connection itself: reconnecting cannot help.
            this.fatal = true;
            if (window.console) console.error("CometServerError:" + msg.error, msg.data);
        }
        if (msg.authorized !== undefined && msg.event === "serverInfo" && msg.pipe === "sys") {
            this.setAuthorized(msg.authorized === true || msg.authorized === "true");
            this.realUserKey = String(msg.data).replace(" ", "_");
            return;
        }
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

    CometServerApi.prototype.setAuthorized = function (value) {
        var changed = this.authorized !== value;
        this.authorized = value;
        if (changed) {
            this.signals.emit(value ? "__comet_onAuthSuccess" : "__comet_onAuthFalill");
        }
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

    CometServerApi.prototype.send = function (text) {
        this.sendQueue.push(text);
        this.flush();
    };

    CometServerApi.prototype.flush = function () {
        if (!this.socket || this.socket.readyState !== 1) {
            return;
        }
        while (this.sendQueue.length > 0) {
            this.socket.send(this.sendQueue.shift());
        }
    };

    // The server replaces the whole set on every subscription command, so the full list is sent.
    CometServerApi.prototype.sendSubscriptions = function () {
        var self = this;
        clearTimeout(this.subscriptionTimer);
        this.subscriptionTimer = setTimeout(function () {
            for (var i = self.sendQueue.length - 1; i >= 0; i--) {
                if (self.sendQueue[i].indexOf("subscription\n") === 0) {
                    self.sendQueue.splice(i, 1);
                }
            }
            self.sendQueue.unshift("subscription\n" + self.pipes.join("\n"));
            self.flush();
        }, 50);
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
        if (pipe !== "msg" && this.pipes.indexOf(pipe) < 0) {
            this.pipes.push(pipe);
            this.sendSubscriptions();
        }
        return id;
    };

    CometServerApi.prototype.unsubscription = function (id) {
        return this.signals.disconnect(id);
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
        if (!/^(web_|webauth_)/.test(name)) {
            if (window.console) console.error("Invalid channel name " + name + ": it must start with web_ or webauth_");
            return false;
        }
        this.send("web_pipe2\n" + name + "\n" + event + "\n*\n" + JSON.stringify(msg));
        return true;
    };

    CometServerApi.prototype.askWithMarker = function (command, callback) {
        var self = this;
        var marker = newMarker();
        if (callback) {
            var id = this.signals.connect(marker, function (msg, signal) {
                self.signals.disconnect(id, marker);
                callback(msg, signal);
            });
        }
        this.send(command(marker));
        return marker;
    };

    // The log arrives as ordinary messages of the pipe, so, like the original, the callback
    // becomes a subscription to the pipe.
    CometServerApi.prototype.get_pipe_log = function (pipe, callback) {
        if (callback) {
            this.subscription(pipe, callback);
        }
        this.send("pipe_log\n" + pipe + "\n" + newMarker() + "\n");
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
    window.CometServer = function () {
        if (!singleton) {
            singleton = new CometServerApi();
        }
        return singleton;
    };
    window.cometServerApi = CometServerApi;
    window.cometApi = window.CometServer();
})(window);
