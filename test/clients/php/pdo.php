<?php
// PDO against CometQL, with emulated prepares (argv[1] = 1) or server-side prepares (argv[1] = 0).
// Environment: COMETQL_PORT, COMETQL_USER, COMETQL_PASSWORD. Prints one JSON object.
$emulate = ($argv[1] ?? '1') === '1';
$dsn = 'mysql:host=127.0.0.1;port=' . (int)getenv('COMETQL_PORT') . ';dbname=CometQL_v1;charset=utf8mb4';
$pdo = new PDO($dsn, getenv('COMETQL_USER'), getenv('COMETQL_PASSWORD'), [
    PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
    PDO::ATTR_EMULATE_PREPARES => $emulate,
]);
$out = ['emulate' => $emulate];
$data = json_encode(['quote' => "it's \"x\"", 'slash' => '\\', 'nl' => "a\nb", 'ru' => 'Привет']);

$insert = $pdo->prepare('INSERT INTO users_data (id, data) VALUES (?, ?)');
$out['insert'] = $insert->execute([21, $data]);
$out['insert_rows'] = $insert->rowCount();
$out['insert_id'] = $pdo->lastInsertId();

$select = $pdo->prepare('SELECT id, data FROM users_data WHERE id = :id');
$select->execute([':id' => 21]);
$rows = $select->fetchAll(PDO::FETCH_ASSOC);
$out['select_rows'] = count($rows);
$out['data_equals'] = $rows[0]['data'] === $data;

$many = $pdo->prepare('SELECT * FROM users_time WHERE id IN (?, ?, ?)');
$many->execute([1, 2, 3]);
$out['times'] = $many->fetchAll(PDO::FETCH_NUM);

$pipe = $pdo->prepare('INSERT INTO pipes_messages (name, event, message) VALUES (?, ?, ?)');
$out['pipe_insert'] = $pipe->execute(['web_pdo', 'ev', $data]);

// Reuse a prepared statement with new values.
$select->execute([':id' => 999]);
$out['missing_rows'] = count($select->fetchAll());

try {
    $pdo->query('SELECT * FROM nope WHERE id = 1');
    $out['error'] = null;
} catch (PDOException $e) {
    $out['error'] = $e->errorInfo[1] . ' ' . $e->errorInfo[2];
    $out['sqlstate'] = $e->errorInfo[0];
}
$out['after_error'] = $pdo->query('SELECT time FROM users_time WHERE id = 4')->fetchColumn();
$out['quoted'] = $pdo->query('SELECT data FROM users_data WHERE id = ' . $pdo->quote('21'))->fetchColumn() === $data;
echo json_encode($out), "\n";
