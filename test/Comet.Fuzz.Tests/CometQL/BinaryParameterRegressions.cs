using Comet.CometQL.Prepared;
using Comet.CometQL.Serialization;

namespace Comet.Fuzz.Tests.CometQL;

/// <summary>Inputs the fuzzing found, kept as explicit cases.</summary>
public sealed class BinaryParameterRegressions
{
    /// <summary>
    /// A TIME parameter's hours are days × 24 + hours. With 32-bit arithmetic a large day count wrapped
    /// (days 0xFFFFFFFF gave 4294967295 hours instead of 103079215103): found by "binary parameters (valid)".
    /// </summary>
    [Theory]
    [InlineData("0800FFFFFFFF170917", "'103079215103:09:23'")]
    [InlineData("0C01FFFFFF7F003B3B3F420F00", "'-51539607528:59:59.999999'")]
    [InlineData("080022000000173B3B", "'839:59:59'")]
    public void A_time_parameter_keeps_its_hours_for_any_day_count(string valueHex, string literal)
    {
        // One TIME parameter: NULL bitmap 0, new-params-bound 1, type TIME, then the value.
        var body = Convert.FromHexString("00" + "01" + "0B00" + valueHex);
        var r = new PayloadReader(body);
        var literals = BinaryParameters.Read(ref r, new PreparedStatement(1, "", 1));
        Assert.Equal(literal, Assert.Single(literals));
    }
}
