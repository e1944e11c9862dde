// An init script (page.addInitScript) for runners that must see the wire and not only the API: it
// wraps window.WebSocket before the client loads and records, per socket, the URL it opened, whether it
// opened, the commands sent, the personal-message seqs received and serverInfo's ackSeq; and every
// close with its code and reason. Two faults a runner can inject through window.socketFaults:
//   ackInUrl: the next socket asks to resume after this seq instead of the client's own (&ack=);
//   dropAcks: while true, ack commands are recorded in `dropped` and never sent.
(function (window) {
    "use strict";

    var Native = window.WebSocket;
    var log = window.socketLog = { sockets: [], closes: [] };
    var faults = window.socketFaults = { ackInUrl: undefined, dropAcks: false };

    function inspect(data, record) {
        String(data).split("\n").forEach(function (line) {
            try {
                var msg = JSON.parse(line);
                if (msg.pipe === "msg" && typeof msg.seq === "number") {
                    record.seqs.push(msg.seq);
                } else if (msg.event === "serverInfo" && msg.ackSeq !== undefined) {
                    record.ackSeq = msg.ackSeq;
                }
            } catch (e) { /* not JSON: nothing to record */ }
        });
    }

    window.WebSocket = function (url, protocols) {
        var record = { askedUrl: url, url: url, opened: false, sent: [], dropped: [], seqs: [] };
        if (faults.ackInUrl !== undefined) {
            record.url = url.replace(/&ack=\d+/, "&ack=" + faults.ackInUrl);
            faults.ackInUrl = undefined;
        }
        var socket = new Native(record.url, protocols);
        log.sockets.push(record);
        var send = socket.send;
        socket.send = function (text) {
            var entry = { text: String(text), at: Date.now() };
            if (faults.dropAcks && entry.text.indexOf("ack\n") === 0) {
                record.dropped.push(entry);
                return;
            }
            record.sent.push(entry);
            send.call(socket, text);
        };
        socket.addEventListener("open", function () { record.opened = true; });
        socket.addEventListener("message", function (e) { inspect(e.data, record); });
        socket.addEventListener("close", function (e) {
            log.closes.push({ code: e.code, reason: e.reason, at: Date.now() });
        });
        return socket;
    };
    window.WebSocket.prototype = Native.prototype;
    ["CONNECTING", "OPEN", "CLOSING", "CLOSED"].forEach(function (name) { window.WebSocket[name] = Native[name]; });
})(window);
