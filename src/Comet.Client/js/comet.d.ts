// Type declarations for the Comet.Gateway browser client (comet.js / CometServerApi.js).
// The names are CppComet's CometServerApi.js names, so existing code type-checks unchanged.

/** What every subscription callback receives. */
export interface CometMessage<T = unknown> {
    /** The message; a string that holds JSON arrives parsed. */
    data: T;
    server_info: {
        /** The sender's user id (0 for the backend or an anonymous sender). */
        user_id: number;
        pipe: string;
        event: string;
        history: boolean;
        marker?: string;
        uuid?: string;
        /** Set on a message of a logged pipe fetched after a reconnect because it was missed. */
        recovered?: true;
        /** A personal message's (pipe "msg") sequence number for this user: increasing, not consecutive. */
        seq?: number;
    };
}

export type CometCallback<T = unknown> = (message: CometMessage<T>, signal: string) => void;

export interface CometStartOptions {
    /** The namespace (the backend's CometQL login); 0 when omitted. */
    dev_id?: number | string;
    /** The user id the backend stored a users_auth hash for (0 or omitted: anonymous). */
    user_id?: number | string;
    /** The users_auth hash or a JWT. */
    user_key?: string;
    /** "host:port" (or "ws://host:port", "wss://host:port"); an array means failover between nodes. */
    node?: string | string[];
    /** Same as an array `node`. */
    nodes?: string[];
    /** Use wss:// for nodes given without a scheme. */
    wss?: boolean;
    /** The browser's 32-character id; by default kept in localStorage (comet_server_uuid). */
    uuid?: string;
    /** Share one connection between the tabs of this browser (default true where Web Locks exist). */
    tabs?: boolean;
    /** Fetch the messages of logged pipes missed while disconnected (default true). */
    recover?: boolean;
    /**
     * Acknowledged personal delivery (default true): personal messages are acknowledged and resumed after
     * the last one processed on every reconnect, so each arrives exactly once; false connects as CppComet's client.
     */
    ack?: boolean;
    /** Reconnection backoff in milliseconds (defaults 300 and 30000). */
    reconnect?: { initialDelay?: number; maxDelay?: number };
    /**
     * With a JWT as user_key: returns a fresh JWT for the same user (e.g. from your backend). Called when
     * the server warns that the token expires soon (sys event tokenExpiring); the token is sent on the
     * open connection (refresh_token) and used for later reconnects. Also called before reconnecting
     * after the server closed the connection because the token expired. A rejection or an empty
     * string is retried at the next warning or reconnect.
     */
    refreshToken?: () => string | Promise<string>;
}

export interface CometConnectionInfo {
    /** "connecting", "open", "waiting" (to reconnect), "stopped", or "follower" before a tab knows more. */
    state: "connecting" | "open" | "waiting" | "stopped" | "follower";
    /** "single" (own connection), "leader" (holds the browser's connection) or "follower" (uses it). */
    role?: "single" | "leader" | "follower";
    node?: string;
    /** Connections opened so far. */
    connects?: number;
    /** Connection attempts that never opened. */
    failures?: number;
    /** The latest reconnect delays chosen: attempt number, delay and its ceiling before jitter. */
    delays?: { attempt: number; delay: number; ceiling: number }[];
}

/** Personal messages with seq from..to (inclusive) that the server could no longer resend. */
export interface CometMissedRange {
    from: number;
    to: number;
}

export interface CometServerApi {
    readonly version: string;
    start(options: CometStartOptions): boolean;
    stop(): void;
    restart(options?: CometStartOptions): boolean;
    /** "pipe", "pipe.event", "msg.event", "#pipe" (answers to your web_pipe_send), or "" / a function for everything. Returns an id for unsubscription. */
    subscription<T = unknown>(name: string, callback: CometCallback<T>): string;
    subscription<T = unknown>(callback: CometCallback<T>): string;
    subscription_once<T = unknown>(name: string, callback: CometCallback<T>): string;
    unsubscription(id: string): boolean;
    /** Publishes to a web_, webauth_ or @web_ pipe; "pipe.event" or (pipe, event, message). */
    web_pipe_send(name: string, message: unknown): boolean;
    web_pipe_send(pipe: string, event: string, message: unknown): boolean;
    /** The pipe's log, oldest first, as messages of the pipe to this tab; the callback stays subscribed to the pipe. */
    get_pipe_log<T = unknown>(pipe: string, callback?: CometCallback<T>): boolean;
    count_users_in_pipe(pipe: string, callback?: CometCallback<["user_in_pipe", number]>): string;
    getTrackPipeUsers(pipe: string, callback?: CometCallback<{ user_id: number; uuid: string }[]>): string;
    getUserData(userId: number, callback?: CometCallback<{ user_data: string; user_id: number }>): string;
    /** undefined before the first answer, then whether the server accepted user_id and user_key. */
    isAuthorized(): boolean | undefined;
    onAuthSuccess(callback: () => void): string;
    /** (sic: CppComet's name) */
    onAuthFalill(callback: () => void): string;
    getRealUserKey(): string | undefined;
    getUserId(): number | string | undefined;
    /** Sends a raw protocol command (docs/websocket.md). */
    send(command: string): boolean;
    getConnectionInfo(): CometConnectionInfo;
    onConnectionChange(callback: (info: CometConnectionInfo) => void): string;
    /** Called when the server could not resend some personal messages after a reconnect (sys event messagesMissed). */
    onMessagesMissed(callback: (range: CometMissedRange) => void): string;
}

export interface CometServerFunction {
    (): CometServerApi;
    readonly isCometGatewayClient: true;
    readonly version: string;
}

export declare const CometServer: CometServerFunction;
export declare const cometServerApi: new () => CometServerApi;
export declare const cometApi: CometServerApi;
export default CometServer;

declare global {
    interface Window {
        CometServer: CometServerFunction;
        cometServerApi: new () => CometServerApi;
        cometApi: CometServerApi;
    }
}
