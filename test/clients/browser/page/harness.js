// Records every callback the CometServer API makes, so the runner can read back exactly what a
// site would have seen. Copies are stored because the API may reuse or mutate its objects.
(function (window) {
    "use strict";

    window.received = [];

    function record(label, msg) {
        window.received.push({ label: label, msg: JSON.parse(JSON.stringify(msg === undefined ? null : msg)) });
    }

    window.receivedFor = function (label) {
        return window.received.filter(function (r) { return r.label === label; }).map(function (r) { return r.msg; });
    };

    // opt: { user_id, user_key, node, subscribe: [names] }; nodes, reconnect and tabs are options
    // only our client knows (the original ignores them).
    window.bootComet = function (opt) {
        var comet = window.CometServer();
        window.authSuccessCalls = 0;
        window.authFailCalls = 0;
        comet.onAuthSuccess(function () { window.authSuccessCalls++; });
        comet.onAuthFalill(function () { window.authFailCalls++; });
        (opt.subscribe || []).forEach(function (name) {
            comet.subscription(name, function (msg) { record(name, msg); });
        });
        comet.start({
            dev_id: 0, user_id: opt.user_id, user_key: opt.user_key, node: opt.node,
            nodes: opt.nodes, reconnect: opt.reconnect, tabs: opt.tabs,
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
