using Comet.Core.Security;

namespace Comet.CometQL.Execution;

/// <summary>
/// Selects a database (handshake, COM_INIT_DB, USE). <c>db_&lt;N&gt;</c> switches to dev_id N only
/// when N has the same key as the login, so a login can never reach a namespace whose key it does not know.
/// </summary>
internal sealed class DatabaseSelector(DevKeyProvider keys)
{
    public bool TrySelect(SessionState session, string name)
    {
        if (!Databases.TryResolve(name, out var devId))
        {
            return false;
        }
        var target = devId ?? session.LoginDevId;
        if (target != session.LoginDevId && !ConstantTime.Equals(keys.GetKey(target), keys.GetKey(session.LoginDevId)))
        {
            return false;
        }
        session.Database = name;
        session.DevId = target;
        return true;
    }
}
