<?php
// mysqli over TLS (the SSLRequest upgrade) with a self-signed server certificate, as a backend
// would connect to a TLS-enabled CometQL port. Prints one JSON object.
// Environment: COMETQL_PORT, COMETQL_USER (the dev_id), COMETQL_PASSWORD.
mysqli_report(MYSQLI_REPORT_OFF);
$link = mysqli_init();
mysqli_ssl_set($link, null, null, null, null, null);
$ok = mysqli_real_connect($link, '127.0.0.1', getenv('COMETQL_USER'), getenv('COMETQL_PASSWORD'), 'CometQL_v1',
    (int)getenv('COMETQL_PORT'), null, MYSQLI_CLIENT_SSL | MYSQLI_CLIENT_SSL_DONT_VERIFY_SERVER_CERT);
if (!$ok) {
    fwrite(STDERR, 'connect failed: ' . mysqli_connect_errno() . ' ' . mysqli_connect_error() . "\n");
    exit(1);
}
$out = [];
$out['insert'] = mysqli_query($link, "INSERT INTO pipes_messages (name, event, message) VALUES ('web_tls', 'e', 'over tls')");
$row = mysqli_fetch_row(mysqli_query($link, "SHOW SESSION STATUS LIKE 'Ssl_version'"));
$out['ssl_version'] = $row[1];
$out['time'] = mysqli_fetch_row(mysqli_query($link, 'SELECT * FROM users_time WHERE id = 1'))[1];
echo json_encode($out), "\n";
