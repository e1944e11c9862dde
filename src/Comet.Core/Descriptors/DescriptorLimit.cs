using System.Runtime.InteropServices;

namespace Comet.Core.Descriptors;

/// <summary>The process's open-file limit (RLIMIT_NOFILE soft limit), read with getrlimit on Linux.</summary>
public static class DescriptorLimit
{
    private const int RlimitNoFile = 7; // RLIMIT_NOFILE on Linux (x86-64, arm64, arm)
    private const ulong Infinity = ulong.MaxValue; // RLIM_INFINITY

    /// <summary>The soft limit, or null where it is unknown or unlimited (not Linux, getrlimit failed).</summary>
    public static long? SoftLimit()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNoFile, out var limit) != 0 || limit.Current == Infinity || limit.Current > long.MaxValue)
        {
            return null;
        }
        return (long)limit.Current;
    }

    // DllImport, not LibraryImport: the struct is blittable, and LibraryImport would need unsafe code in this project.
    [DllImport("libc", EntryPoint = "getrlimit")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetRLimit(int resource, out RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current; // rlim_cur: the soft limit
        public ulong Maximum; // rlim_max: the hard limit
    }
}
