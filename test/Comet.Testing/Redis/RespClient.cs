using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Comet.Testing.Redis;

/// <summary>
/// A minimal RESP2 client for test fixtures: one command to one server on one fresh connection, with a
/// deadline. Fixtures use it to set up and break real Redis servers (CLUSTER NODES, DEBUG SLEEP, ROLE…)
/// without a client library deciding for them where a command goes.
/// </summary>
public static class RespClient
{
    /// <summary>Runs a command and returns its reply: a string, a long, null, or an object?[] of those.
    /// A Redis error reply throws <see cref="InvalidOperationException"/>.</summary>
    public static async Task<object?> ExecuteAsync(int port, TimeSpan timeout, params string[] command)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancel.Token);
        await using var stream = client.GetStream();
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancel.Token);
        var reader = new ReplyReader(stream, cancel.Token);
        return await reader.ReadAsync();
    }

    public static Task<object?> ExecuteAsync(int port, params string[] command) =>
        ExecuteAsync(port, TimeSpan.FromSeconds(5), command);

    /// <summary>Sends a command without waiting for its reply (e.g. <c>DEBUG SLEEP</c>, which blocks the server).</summary>
    public static async Task SendAsync(int port, params string[] command)
    {
        var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
        foreach (var part in command)
        {
            request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(request.ToString()));
        // Closed later, in the background: closing now could cancel the command before the server reads it.
        _ = Task.Delay(TimeSpan.FromSeconds(60)).ContinueWith(_ => client.Dispose(), TaskScheduler.Default);
    }

    private sealed class ReplyReader(NetworkStream stream, CancellationToken cancel)
    {
        private readonly byte[] _one = new byte[1];

        public async Task<object?> ReadAsync()
        {
            var line = await ReadLineAsync();
            var rest = line[1..];
            switch (line[0])
            {
                case '+':
                    return rest;
                case '-':
                    throw new InvalidOperationException("Redis: " + rest);
                case ':':
                    return long.Parse(rest, CultureInfo.InvariantCulture);
                case '$':
                    var length = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (length < 0)
                    {
                        return null;
                    }
                    var buffer = new byte[length + 2];
                    await stream.ReadExactlyAsync(buffer, cancel);
                    return Encoding.UTF8.GetString(buffer, 0, length);
                case '*':
                    var count = int.Parse(rest, CultureInfo.InvariantCulture);
                    if (count < 0)
                    {
                        return null;
                    }
                    var items = new object?[count];
                    for (var i = 0; i < count; i++)
                    {
                        items[i] = await ReadAsync();
                    }
                    return items;
                default:
                    throw new InvalidOperationException("Unexpected RESP reply: " + line);
            }
        }

        private async Task<string> ReadLineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                await stream.ReadExactlyAsync(_one, cancel);
                if (_one[0] == '\r')
                {
                    await stream.ReadExactlyAsync(_one, cancel);
                    return line.ToString();
                }
                line.Append((char)_one[0]);
            }
        }
    }
}
