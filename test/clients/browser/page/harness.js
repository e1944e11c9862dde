// Records every callback the CometServer API makes, so the runner can read back exactly what a
// site would have seen, and when. Copies are stored because the API may reuse or mutate its objects.
(function (window) {
    "use strict";

    window.received = [];

    function record(label, msg) {
        window.received.push({ label: label, msg: JSON.parse(JSON.stringify(msg === undefined ? null : msg)), at: Date.now() });
    }

    window.receivedFor = function (label) {
        return window.received.filter(function (r) { return r.label === label; }).map(function (r) { return r.msg; });
    };

    // opt: { user_id, user_key, node, subscribe: [names] }; nodes, reconnect, tabs, ack and refreshUrl are
    // options only our client knows (the original ignores them); recordSys records sys events as "sys".
    // With our client, what onMessagesMissed reports is recorded as "missed".
    window.bootComet = function (opt) {
        var comet = window.CometServer();
        window.authSuccessCalls = 0;
        window.authFailCalls = 0;
        comet.onAuthSuccess(function () { window.authSuccessCalls++; });
        comet.onAuthFalill(function () { window.authFailCalls++; });
        (opt.subscribe || []).forEach(function (name) {
            comet.subscription(name, function (msg) { record(name, msg); });
        });
        if (comet.onMessagesMissed) {
            comet.onMessagesMissed(function (range) { record("missed", range); });
        }
        if (opt.recordSys) {
            comet.subscription(function (msg) {
                if (msg.server_info.pipe === "sys") record("sys", msg);
            });
        }
        // refreshUrl: where the page gets a fresh JWT (as a site would ask its backend); an empty answer is a failure.
        var refreshToken = opt.refreshUrl ? function () {
            window.refreshCalls = (window.refreshCalls || 0) + 1;
            return fetch(opt.refreshUrl).then(function (r) { return r.text(); });
        } : undefined;
        comet.start({
            dev_id: 0, user_id: opt.user_id, user_key: opt.user_key, node: opt.node,
            nodes: opt.nodes, reconnect: opt.reconnect, tabs: opt.tabs, ack: opt.ack, refreshToken: refreshToken,
        });
    };

    window.countUsers = function (pipe, label) {
        window.CometServer().count_users_in_pipe(pipe, function (msg) { record(label, msg); });
    };

    window.pipeLog = function (pipe, label) {
        window.CometServer().get_pipe_log(pipe, function (msg) { record(label, msg); });
    };

    window.sendToPipe = function (name, msg) {
        return window.CometServer().web_pipe_send(name, msg);
    };
})(window);
