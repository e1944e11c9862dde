namespace Comet.Testing.Clients;

/// <summary>How one connection of a <see cref="PersonalMessageDevice"/> ended.</summary>
public enum ConnectionEnd
{
    /// <summary>Still open.</summary>
    Open,

    /// <summary>Fault: the proxy reset both legs (RST).</summary>
    Reset,

    /// <summary>Fault: the proxy closed the client's leg and left the gateway's open and silent.</summary>
    HalfOpen,

    /// <summary>Fault: the device closed its WebSocket cleanly (a page reload, a tab closed).</summary>
    CleanClose,

    /// <summary>The gateway sent a WebSocket close.</summary>
    ClosedByServer,

    /// <summary>The connection broke without a close frame (a killed gateway, a refused greeting).</summary>
    Broken,

    /// <summary>The device was stopped and closed cleanly.</summary>
    Stopped,
}
