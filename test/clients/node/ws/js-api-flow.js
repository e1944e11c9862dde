// Drives the gateway the way CometServerApi.js 4.08 does: the positional connect URL, the full
// subscription list re-sent on every open, 10-character markers with one-shot callbacks, frames
// split on "\n", JSON.parse with the client's \' fallback, and reconnect after a non-clean close.
// Usage: node js-api-flow.js <ws base url> <dev_id> <user_id> <user_key>
// Prints one JSON line per checked step and exits 0 when every step passed.
'use strict';
const WebSocket = require('ws');

const [base, devId, userId, userKey] = process.argv.slice(2);
const uuid = 'Jsuuid0123456789abcdef0123456789'.slice(0, 32);
const url = `${base}/ws/sesion=${userKey}&myid=${userId}&devid=${devId}&v=4.08&uuid=${uuid}&api=js`;
const subscriptions = ['web_jsflow', 'track_jsflow', `user_status_${userId}`];

function parseFrame(data) {
  // CometServerApi.js: event.data.split("\n"), then JSON.parse each line.
  return String(data).split('\n').filter((l) => l.length > 0).map((line) => JSON.parse(line.replace(/\\'/g, "'")));
}

function marker() {
  return (Math.random() * 10 + '' + Math.random()).replace(/[^0-9A-z]/g, '').slice(0, 10);
}

class Api {
  constructor() { this.callbacks = {}; this.listeners = []; this.opens = 0; }

  connect() {
    return new Promise((resolve, reject) => {
      this.socket = new WebSocket(url, { headers: { 'User-Agent': 'js-api-flow/4.08', Origin: 'http://site.example' } });
      this.socket.on('open', () => {
        this.opens++;
        // onopen: re-send the full subscription list.
        this.socket.send('subscription\n' + subscriptions.join('\n'));
      });
      this.socket.on('message', (data) => {
        for (const msg of parseFrame(data)) {
          if (msg.event === 'serverInfo' && msg.pipe === 'sys') { this.authorized = msg.authorized === true || msg.authorized === 'true'; resolve(msg); continue; }
          if (msg.marker && this.callbacks[msg.marker]) { const cb = this.callbacks[msg.marker]; delete this.callbacks[msg.marker]; cb(msg); continue; }
          for (const l of this.listeners) l(msg);
        }
      });
      this.socket.on('error', reject);
    });
  }

  request(text, m) { return new Promise((resolve) => { this.callbacks[m] = resolve; this.socket.send(text); }); }

  next(predicate, ms = 5000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout waiting for a message')), ms);
      const l = (msg) => { if (predicate(msg)) { clearTimeout(timer); this.listeners.splice(this.listeners.indexOf(l), 1); resolve(msg); } };
      this.listeners.push(l);
    });
  }
}

function report(step, ok, detail) {
  console.log(JSON.stringify({ step, ok, detail }));
  if (!ok) process.exitCode = 1;
}

(async () => {
  const api = new Api();
  const info = await api.connect();
  report('serverInfo', api.authorized === true && info.data === userKey, info);

  const watcher = new WebSocket(`${base}/ws/sesion=&myid=0&devid=${devId}&v=4.08&uuid=watcher&api=js`);
  const watched = [];
  await new Promise((r) => watcher.on('open', r));
  watcher.on('message', (d) => { for (const m of parseFrame(d)) if (m.pipe !== 'sys') watched.push(m); });
  watcher.send('subscription\ntrack_jsflow\nweb_jsflow');
  await new Promise((r) => setTimeout(r, 300));

  const m1 = marker();
  const count = await api.request(`pipe_count\nweb_jsflow\n${m1}\n`, m1);
  report('pipe_count', count.event === 'user_in_pipe' && count.data[1] === 2, count);

  const answer = api.next((m) => m.pipe === '_answer_to_web_jsflow');
  api.socket.send('web_pipe2\nweb_jsflow\nchat\n*\n' + JSON.stringify({ text: "it's fine", n: 1 }));
  const a = await answer;
  report('web_pipe_send answer', a.data.number_messages === 1 && JSON.parse(a.data.message).text === "it's fine", a);
  await new Promise((r) => setTimeout(r, 200));
  const got = watched.find((m) => m.pipe === 'web_jsflow');
  report('watcher got the message with the sender id', !!got && JSON.parse(got.data).n === 1 && got.user_id === Number(userId), got);

  const m2 = marker();
  const members = await api.request(`track_pipe_users\ntrack_jsflow\n${m2}`, m2);
  report('getTrackPipeUsers', Array.isArray(members.data) && members.data.length === 2, members);

  // A network drop (no clean close): the JS reconnects after 300 ms and re-sends its full list.
  const before = watched.length;
  api.socket.terminate();
  await new Promise((r) => setTimeout(r, 300));
  await api.connect();
  await new Promise((r) => setTimeout(r, 400));
  const trackEvents = watched.slice(before).filter((m) => m.pipe === 'track_jsflow').map((m) => m.event);
  report('reconnect', api.opens === 2 && api.authorized === true, { opens: api.opens });
  report('track events across the reconnect', JSON.stringify(trackEvents) === JSON.stringify(['unsubscription', 'subscription']), trackEvents);

  // The list re-sent on a subscription change emits nothing for pipes already joined.
  const beforeResend = watched.length;
  subscriptions.push('web_jsflow_extra');
  api.socket.send('subscription\n' + subscriptions.join('\n'));
  await new Promise((r) => setTimeout(r, 400));
  report('resend is silent', watched.length === beforeResend, watched.slice(beforeResend));

  const m3 = marker();
  const status = api.next((m) => m.pipe === '_answer_user_status');
  api.socket.send(`user_status\n${userId}`);
  const s = await status;
  report('user_status', s.event === `user_status_${userId}`, s);

  const m4 = marker();
  const data = await api.request(`user_data\n${m4}\n${userId}`, m4);
  report('getUserData', data.data.user_id === Number(userId), data);

  api.socket.close();
  watcher.close();
})().catch((e) => { report('exception', false, String(e && e.stack || e)); process.exit(1); });
