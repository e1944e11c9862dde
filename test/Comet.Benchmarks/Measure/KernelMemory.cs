using System.Globalization;

namespace Comet.Benchmarks.Measure;

/// <summary>
/// Kernel memory that sockets cost: TCP buffer pages of this network namespace (/proc/net/sockstat
/// "TCP: … mem N", pages) and the machine's slab (/proc/meminfo "Slab", which also holds socket and
/// inode objects but is shared with everything else running, so it is noisier).
/// </summary>
internal readonly record struct KernelMemory(long TcpBufferBytes, long SlabBytes, int TcpInUse)
{
    public static KernelMemory Read()
    {
        long tcpPages = 0;
        var inUse = 0;
        foreach (var line in File.ReadLines("/proc/net/sockstat"))
        {
            if (!line.StartsWith("TCP:", StringComparison.Ordinal))
            {
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 1; i + 1 < parts.Length; i += 2)
            {
                var value = long.Parse(parts[i + 1], CultureInfo.InvariantCulture);
                if (parts[i] == "mem")
                {
                    tcpPages = value;
                }
                else if (parts[i] == "inuse")
                {
                    inUse = (int)value;
                }
            }
        }
        long slab = 0;
        foreach (var line in File.ReadLines("/proc/meminfo"))
        {
            if (line.StartsWith("Slab:", StringComparison.Ordinal))
            {
                slab = ProcessSample.ParseKb(line) * 1024;
            }
        }
        return new KernelMemory(tcpPages * Environment.SystemPageSize, slab, inUse);
    }
}
