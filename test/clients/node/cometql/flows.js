// node mysql2 against CometQL: text queries (`query`) and server-side prepared statements
// (`execute`). Environment: COMETQL_PORT, COMETQL_USER, COMETQL_PASSWORD. Prints one JSON object.
const mysql = require('mysql2/promise');

(async () => {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: Number(process.env.COMETQL_PORT),
    user: process.env.COMETQL_USER,
    password: process.env.COMETQL_PASSWORD,
    database: 'CometQL_v1',
    multipleStatements: true,
  });
  const out = {};
  const json = JSON.stringify({ text: 'it\'s "quoted" \\ \n', n: 1 });

  const [pipeInsert] = await connection.query('INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)', ['web_node', 'ev', json]);
  out.pipeInsert = { affectedRows: pipeInsert.affectedRows, insertId: pipeInsert.insertId };

  const [authInsert] = await connection.execute('INSERT INTO users_auth (id, hash) VALUES (?, ?)', [51, 'nodehash']);
  out.authInsert = { affectedRows: authInsert.affectedRows, insertId: authInsert.insertId };
  const [hashRows] = await connection.execute('SELECT id, hash FROM users_auth WHERE id = ?', [51]);
  out.hashRows = hashRows;

  await connection.execute('INSERT INTO users_messages (id, event, message) VALUES (?, ?, ?)', [52, 'newMessage', json]);
  const [queued] = await connection.query('SELECT * FROM users_messages WHERE id = 52');
  out.queuedEqualsJson = queued.length === 1 && queued[0].message === json;

  const [times] = await connection.execute('SELECT * FROM users_time WHERE id IN (?, ?)', [1, 2]);
  out.times = times;

  const [multi] = await connection.query('SELECT 1 AS one; SELECT hash FROM users_auth WHERE id = 51');
  out.multi = multi;

  try {
    await connection.query('SELECT * FROM users_auth');
    out.error = null;
  } catch (e) {
    out.error = { errno: e.errno, sqlState: e.sqlState, message: e.message };
  }
  try {
    await connection.execute('SELECT * FROM nope WHERE id = ?', [1]);
    out.executeError = null;
  } catch (e) {
    out.executeError = { errno: e.errno, sqlState: e.sqlState, message: e.message };
  }
  const [afterError] = await connection.query('SELECT time FROM users_time WHERE id = 3');
  out.afterError = afterError;
  await connection.end();
  console.log(JSON.stringify(out));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
