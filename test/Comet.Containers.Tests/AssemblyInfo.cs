// One compose cluster at a time: five containers on two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
