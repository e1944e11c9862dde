using System.Globalization;
using Comet.CometQL.Parsing;
using Comet.Core.Names;

namespace Comet.CometQL.Execution;

/// <summary>Validation of the values tables accept: user ids, pipe names, event names, numbers.</summary>
internal static class Values
{
    /// <summary>A user id (an integer ≥ <paramref name="min"/>), from a number or a quoted number.</summary>
    public static bool TryUserId(SqlValue value, long min, out long id) =>
        long.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out id) && id >= min
        && value.Kind != SqlValueKind.Null;

    public static long UserId(SqlValue value, long min) =>
        TryUserId(value, min, out var id) ? id : throw new CometQLException(CometQLErrors.InvalidUserId);

    /// <summary>The distinct valid user ids of a key list, in request order (invalid ones are skipped, as in CppComet).</summary>
    public static List<long> UserIds(IReadOnlyList<SqlValue> values, long min)
    {
        var ids = new List<long>(values.Count);
        var seen = new HashSet<long>();
        foreach (var value in values)
        {
            if (TryUserId(value, min, out var id) && seen.Add(id))
            {
                ids.Add(id);
            }
        }
        return ids;
    }

    /// <summary>The distinct texts of a key list, in request order.</summary>
    public static List<string> Texts(IReadOnlyList<SqlValue> values, int maxLength)
    {
        var texts = new List<string>(values.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!value.IsNull && value.Text.Length <= maxLength && seen.Add(value.Text))
            {
                texts.Add(value.Text);
            }
        }
        return texts;
    }

    /// <summary>The distinct well-formed pipe names of a key list (3–64 characters of <c>[A-Za-z0-9_-]</c>).</summary>
    public static List<string> DistinctPipeNames(IReadOnlyList<SqlValue> values)
    {
        var names = new List<string>(values.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (IsPipeName(value.Text) && seen.Add(value.Text))
            {
                names.Add(value.Text);
            }
        }
        return names;
    }

    public static bool IsPipeName(string name) =>
        name.Length is >= PipeNames.MinCometQLLength and <= PipeNames.MaxLength
        && PipeNames.HasValidCharacters(name);

    /// <summary>Checks a pipe name for writing, with CppComet's errors.</summary>
    public static string PipeName(SqlValue value)
    {
        var name = value.Text;
        if (name.Length > PipeNames.MaxLength)
        {
            throw new CometQLException(CometQLErrors.ChannelNameTooLong);
        }
        if (name.Length < PipeNames.MinCometQLLength)
        {
            throw new CometQLException(CometQLErrors.ChannelNameTooShort);
        }
        if (!PipeNames.HasValidCharacters(name))
        {
            throw new CometQLException(CometQLErrors.ChannelNameInvalid);
        }
        return name;
    }

    /// <summary>Checks an event name: at most <see cref="EventNames.MaxLength"/> characters of <c>[A-Za-z0-9_-]</c>, may be empty.</summary>
    public static string EventName(SqlValue value)
    {
        var name = value.Text;
        if (name.Length > EventNames.MaxLength)
        {
            throw new CometQLException(CometQLErrors.EventNameTooLong);
        }
        if (!PipeNames.HasValidCharacters(name))
        {
            throw new CometQLException(CometQLErrors.EventNameInvalid);
        }
        return name;
    }

    public static int Integer(SqlValue value) =>
        int.TryParse(value.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new CometQLException(CometQLErrors.InvalidNumber);
}
