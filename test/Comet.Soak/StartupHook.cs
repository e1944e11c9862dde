using System.Globalization;

// The soak's probe inside each gateway process, loaded with DOTNET_STARTUP_HOOKS (the runtime wants a
// type named StartupHook in no namespace). The gateway itself stays unchanged: the probe writes the GC
// heap to the file named by COMET_SOAK_PROBE every 250 ms, and runs a full compacting collection first
// whenever the runner creates "<file>.collect", so readings taken at different times compare.
#pragma warning disable CA1050
internal static class StartupHook
#pragma warning restore CA1050
{
    public const string FileVariable = "COMET_SOAK_PROBE";

    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable(FileVariable);
        if (string.IsNullOrEmpty(path))
        {
            return;
        }
        new Thread(() => Run(path)) { IsBackground = true, Name = "soak-probe" }.Start();
    }

    private static void Run(string path)
    {
        var trigger = path + ".collect";
        while (true)
        {
            if (File.Exists(trigger))
            {
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
                Write(path);
                File.Delete(trigger);
            }
            else
            {
                Write(path);
            }
            Thread.Sleep(250);
        }
    }

    private static void Write(string path)
    {
        var info = GC.GetGCMemoryInfo();
        File.WriteAllText(path + ".tmp", string.Create(CultureInfo.InvariantCulture, $"{info.HeapSizeBytes} {info.TotalCommittedBytes}"));
        File.Move(path + ".tmp", path, overwrite: true);
    }
}
