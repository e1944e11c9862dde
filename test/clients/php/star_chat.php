<?php
// The Star.Comet-Chat backend's CometQL calls (config.php, common.php, sendMessage.php,
// getLastMessage.php) through mysqli, as that backend makes them. Prints one JSON object.
// Environment: COMETQL_PORT, COMETQL_USER (the dev_id), COMETQL_PASSWORD.
mysqli_report(MYSQLI_REPORT_OFF);
$port = (int)getenv('COMETQL_PORT');
$link = mysqli_connect('127.0.0.1', getenv('COMETQL_USER'), getenv('COMETQL_PASSWORD'), 'CometQL_v1', $port);
if (!$link) {
    fwrite(STDERR, 'connect failed: ' . mysqli_connect_errno() . ' ' . mysqli_connect_error() . "\n");
    exit(1);
}
$out = [];
$userId = 31;

// common.php: getUserHash
$result = mysqli_query($link, 'SELECT hash FROM users_auth WHERE id = ' . (int)$userId);
$out['hash_rows_before'] = mysqli_num_rows($result);
$hash = md5('secret' . $userId);
$out['insert_hash'] = mysqli_query($link, "INSERT INTO users_auth (id, hash)VALUES (" . (int)$userId . ",'" . mysqli_real_escape_string($link, $hash) . "')");
$out['insert_hash_affected'] = mysqli_affected_rows($link);
$out['insert_hash_id'] = mysqli_insert_id($link);
$row = mysqli_fetch_assoc(mysqli_query($link, 'SELECT hash FROM users_auth WHERE id = ' . (int)$userId));
$out['hash_after'] = $row['hash'];
$out['hash_expected'] = $hash;

// sendMessage.php: a message whose JSON has quotes, a backslash, a newline and non-ASCII text.
$message = ['text' => base64_encode("Hello \"friend\", it's me\\you\n"), 'from' => 'Аня', 'n' => 1];
$json = json_encode($message);
$out['insert_message'] = mysqli_query($link, "INSERT INTO users_messages (id, event, message)VALUES (" . (int)$userId . ", 'newMessage', '" . mysqli_real_escape_string($link, $json) . "')");
$out['insert_message_affected'] = mysqli_affected_rows($link);
$out['insert_message_id'] = mysqli_insert_id($link);
$row = mysqli_fetch_assoc(mysqli_query($link, 'SELECT * FROM users_messages WHERE id = ' . (int)$userId));
$out['queued_message_equals_json'] = $row['message'] === $json;
$out['queued_event'] = $row['event'];
mysqli_query($link, "INSERT INTO users_messages (id, event, message)VALUES (" . (int)$userId . ", 'readMessage', '" . mysqli_real_escape_string($link, json_encode(['id' => 5])) . "')");

// getLastMessage.php
$row = mysqli_fetch_assoc(mysqli_query($link, 'SELECT time FROM users_time WHERE id = ' . (int)$userId));
$out['time'] = $row['time'];

// A mistake does not break the connection.
$out['bad_query'] = mysqli_query($link, 'SELECT * FROM no_such_table WHERE id = 1');
$out['bad_errno'] = mysqli_errno($link);
$out['bad_error'] = mysqli_error($link);
$out['ping'] = mysqli_ping($link);
$row = mysqli_fetch_row(mysqli_query($link, 'SELECT DATABASE()'));
$out['database'] = $row[0];
$out['server_info'] = mysqli_get_server_info($link);
mysqli_query($link, 'DELETE FROM users_messages WHERE id = ' . (int)$userId);
mysqli_close($link);
echo json_encode($out), "\n";
