using Comet.Core.Descriptors;

namespace Comet.Core.Tests.Descriptors;

/// <summary>The descriptors WebSocket and CometQL connections share (both transports' use of it: their admission tests).</summary>
public sealed class DescriptorPoolTests
{
    [Fact]
    public void It_holds_the_open_file_limit_less_what_the_process_keeps_and_refuses_past_it_until_one_is_returned()
    {
        var pool = new DescriptorPool(DescriptorPool.ProcessDescriptors + 2);
        Assert.Equal(2, pool.Size);
        Assert.True(pool.TryTake());
        Assert.True(pool.TryTake());
        Assert.False(pool.TryTake());
        Assert.Equal(2, pool.Taken);

        pool.Return();
        Assert.True(pool.TryTake());
        Assert.False(pool.TryTake());
    }

    [Fact]
    public void A_limit_below_the_process_share_admits_nothing_and_an_unknown_limit_never_refuses()
    {
        var tiny = new DescriptorPool(100);
        Assert.Equal(0, tiny.Size);
        Assert.False(tiny.TryTake());
        Assert.Equal(0, tiny.Taken);

        var unknown = new DescriptorPool(openFileLimit: null);
        Assert.Null(unknown.Size);
        for (var i = 0; i < 1000; i++)
        {
            Assert.True(unknown.TryTake());
        }
    }

    [Fact]
    public void Racing_takers_never_hold_more_than_the_pool()
    {
        var pool = new DescriptorPool(DescriptorPool.ProcessDescriptors + 100);
        var taken = 0;
        Parallel.For(0, 10_000, _ =>
        {
            if (pool.TryTake())
            {
                Interlocked.Increment(ref taken);
            }
        });
        Assert.Equal(100, taken);
        Assert.Equal(100, pool.Taken);
    }
}
