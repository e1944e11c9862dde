using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using Comet.CometQL.Serialization;

namespace Comet.CometQL;

/// <summary>
/// The SSLRequest upgrade: after the client's short SSL request packet, a TLS handshake on the same
/// TCP connection, then the rest of the session (the login included) runs over the TLS stream.
/// </summary>
internal sealed partial class CometQLSession
{
    private async Task<bool> UpgradeToTlsAsync(CancellationToken cancellationToken)
    {
        _tlsRequested = false;
        var tls = new SslStream(new DuplexPipeStream(_input, _output), leaveInnerStreamOpen: false);
        _tls = tls;
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _services.Tls.Certificate,
                ClientCertificateRequired = false,
            }, cancellationToken);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            CometQLLog.TlsFailed(_logger, _session.ConnectionId, e);
            return false;
        }
        _input = PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true));
        var sequenceId = _packets.SequenceId;
        _packets = new PacketWriter(_output) { SequenceId = sequenceId };
        _session.TlsVersion = tls.SslProtocol switch
        {
            SslProtocols.Tls13 => "TLSv1.3",
            SslProtocols.Tls12 => "TLSv1.2",
            var other => other.ToString(),
        };
        _session.TlsCipher = tls.NegotiatedCipherSuite.ToString();
        _services.Instruments.TlsSession();
        return true;
    }

    /// <summary>The connection's pipes as one stream, for <see cref="SslStream"/> to run on.</summary>
    private sealed class DuplexPipeStream(PipeReader reader, PipeWriter writer) : Stream
    {
        private readonly Stream _read = reader.AsStream(leaveOpen: true);
        private readonly Stream _write = writer.AsStream(leaveOpen: true);

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _read.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _read.ReadAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            _write.WriteAsync(buffer, cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            _write.WriteAsync(buffer, offset, count, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => _write.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous reads are not supported.");
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("Synchronous writes are not supported.");
        public override void Flush() => throw new NotSupportedException("Synchronous flushes are not supported.");
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
