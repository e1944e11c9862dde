<?php
// mysqli persistent connections ("p:" host), which the CometQL documentation recommends: a reused
// connection is reset with COM_CHANGE_USER. Environment: COMETQL_PORT, COMETQL_USER, COMETQL_PASSWORD.
mysqli_report(MYSQLI_REPORT_OFF);
$port = (int)getenv('COMETQL_PORT');
$out = [];
for ($i = 0; $i < 3; $i++) {
    $link = mysqli_connect('p:127.0.0.1', getenv('COMETQL_USER'), getenv('COMETQL_PASSWORD'), 'CometQL_v1', $port);
    if (!$link) {
        fwrite(STDERR, 'connect failed: ' . mysqli_connect_errno() . ' ' . mysqli_connect_error() . "\n");
        exit(1);
    }
    $out['thread_ids'][] = mysqli_thread_id($link);
    $ok = mysqli_query($link, "INSERT INTO users_auth (id, hash) VALUES (" . ($i + 1) . ", 'h$i')");
    $row = mysqli_fetch_row(mysqli_query($link, 'SELECT hash FROM users_auth WHERE id = ' . ($i + 1)));
    $out['hashes'][] = $ok ? $row[0] : mysqli_error($link);
    mysqli_close($link);
}
echo json_encode($out), "\n";
