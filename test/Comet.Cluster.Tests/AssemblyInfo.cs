// The cluster and the telemetry test each run several gateway processes: one at a time keeps the
// machine's load, and so the tests' timing, sane.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
