namespace Comet.Benchmarks.Cli;

internal static class Usage
{
    public const string Text = """
        usage: Comet.Benchmarks <scenario> [options]
          fanout        C clients on P pipes, CometQL INSERT INTO pipes_messages at a target rate
                        --clients 1000[,5000] --rate 20[,100] --pipes 1 --publishers 1
                        (--rate max: each publisher sends its next INSERT when the previous was answered)
          redis-fanout  fanout on memory, redis x1 and redis x2 in one run (ratio to memory)
          crossnode     fanout through Redis: publish on node 1, every subscriber on the other nodes;
                        Redis commands per message from INFO commandstats  --engines redis2,redis3
          all           every scenario of docs/benchmarks.md, repeated, medians, and an SVG plot
                        --repeat 3 --duration 10 --only broadcast,cometql,... --plot docs/benchmarks-cost.svg
          personal      users_messages to U authorised users on 1-3 devices each
                        --users 1000 --rate 200 --publishers 1
          connect       ramp to N idle connections, each subscribed to one of P pipes (0: none),
                        memory per connection, then churn  --connections 10000 --pipes 10 --churn-seconds 10
          cometql       statements/s over K backend connections
                        --connections 1,4,16 --statement insert,select,personal --client mysqldata,raw --pipeline 1
          failover-loss personal messages through a master killed with SIGKILL, durable writes on and off:
                        acknowledged messages lost or repeated  --topology cluster|sentinel --durable 1,0 --repeat 3
          selftest      checks the tool's own stamp parsing, percentiles and options (no gateway)
          micro         BenchmarkDotNet micro-benchmarks (arguments go to BenchmarkDotNet, e.g. --filter '*')
        target (default: gateways started here as Release processes, memory engine):
          --redis [--nodes N]   start redis-server and N gateway nodes on it
          --topology sentinel|cluster [--nodes N]   the same on a Sentinel set (1 master, 1 replica) or a Cluster (3+3)
          --ws host:port --cometql host:port [--user u] [--password p] [--pid n]   an existing gateway (--user 1 for CppComet's dev_id 1)
          --set Key=Value[,Key=Value]   configuration passed to started gateways
        common: --duration 10 --warmup 2 --repeat 1 --concurrency 200 --sources 4 --size 100 --publisher mysqldata|raw
                --markdown docs/benchmarks.md --max-seconds 900 (all: 14400)
        every table has the gateway's CPU time per operation (µs, user + system from /proc).
        """;
}
