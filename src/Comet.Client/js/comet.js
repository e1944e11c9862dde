// The Comet.Gateway browser client as an ES module:
//   import { CometServer } from "/comet-server/js/comet.js";
// CometServerApi.js (a classic script, the same file a <script> tag loads) does the work and
// defines the globals; this module re-exports them, so a page that loads both gets one client.
import "./CometServerApi.js";

export const CometServer = globalThis.CometServer;
export const cometServerApi = globalThis.cometServerApi;
export const cometApi = globalThis.cometApi;
export default CometServer;
