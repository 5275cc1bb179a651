// An ECS Exec data-channel client built on the npm package ssm-session (an implementation of the
// SSM data channel independent of ecslocal's), over the npm package ws. Used by
// tests/e2e/test_exec_ssm_session.py; the packages are found in $ECSLOCAL_NODE_MODULES (.ci/setup
// installs them into /var/cache/ecslocal/node-exec/node_modules).
//
//   node ssm_session_client.mjs '<ExecuteCommand session JSON>' '<text to type>' [terminate-after-output]
//
// Opens the session's streamUrl, lets ssm-session send the token and the terminal size, acknowledges
// every output_stream_data message with ssm-session's acknowledgement, collects the Output payloads
// (PayloadType 1) and types the text once, when the first Output arrives (or 3 s after the socket opened). It ends on
// channel_closed or when the socket closes, printing one JSON line {output, closed, closedPayload, ...}
// and exiting 0; after 30 s it prints the same line and exits 2. With `terminate-after-output` it
// prints the line READY once the output shows the typed text, and goes on waiting for the server to
// end the session (the test calls TerminateSession: ssm-session itself cannot end one).

import { createRequire } from "node:module";

const modules = process.env.ECSLOCAL_NODE_MODULES;
if (!modules) {
  process.stderr.write("ECSLOCAL_NODE_MODULES must name the node_modules folder holding ssm-session and ws\n");
  process.exit(3);
}
const require = createRequire(modules.replace(/\/*$/, "/"));
const { ssm } = require("ssm-session");
const WebSocket = require("ws");

const OUTPUT = 1;  // PayloadType Output
const TYPE_DELAY_MS = 3000;
const TIMEOUT_MS = 30000;

const [sessionJson, text, mode] = process.argv.slice(2);
if (!sessionJson || text === undefined || (mode !== undefined && mode !== "terminate-after-output")) {
  process.stderr.write("usage: ssm_session_client.mjs SESSION_JSON TEXT [terminate-after-output]\n");
  process.exit(3);
}
const session = JSON.parse(sessionJson);
const waitForTerminate = mode === "terminate-after-output";
const typedNeedle = text.replace(/[\r\n]+$/, "");

const utf8 = new TextDecoder("utf-8");
let output = "";
let closed = false;
let closedPayload = null;
let typed = false;
let ready = false;
let finished = false;
const seen = {};  // message type -> count, for the failure messages of the test
const decodedTypes = new Set();  // what ssm-session's decode made of the types (when it differs)

// The MessageType straight from the header (bytes 4..36), NUL and space padding trimmed.
function rawType(bytes) {
  return String.fromCharCode(...bytes.subarray(4, 36)).replace(/^[\0\s]+|[\0\s]+$/g, "");
}

function finish(code, why) {
  if (finished) return;
  finished = true;
  clearTimeout(typeTimer);
  clearTimeout(deadline);
  const summary = { output, closed, closedPayload, why, seen, decodedTypes: [...decodedTypes] };
  process.stdout.write(JSON.stringify(summary) + "\n", () => process.exit(code));
}

function type() {
  if (typed || finished || socket.readyState !== WebSocket.OPEN) return;
  typed = true;
  ssm.sendText(socket, text);
}

const socket = new WebSocket(session.streamUrl);
socket.binaryType = "arraybuffer";
let typeTimer;
const deadline = setTimeout(() => finish(2, "timeout"), TIMEOUT_MS);

socket.on("open", () => {
  ssm.init(socket, { token: session.tokenValue, termOptions: { rows: 24, cols: 80 } });
  typeTimer = setTimeout(type, TYPE_DELAY_MS);
});

socket.on("message", (data, isBinary) => {
  if (!isBinary || finished) return;
  const bytes = new Uint8Array(data);
  const message = ssm.decode(data);
  const kind = rawType(bytes);
  if (message.messageType !== kind) decodedTypes.add(JSON.stringify(message.messageType));
  seen[kind] = (seen[kind] || 0) + 1;
  if (kind === "channel_closed") {
    closed = true;
    const body = utf8.decode(message.payload);
    try {
      closedPayload = JSON.parse(body);
    } catch {
      closedPayload = body;
    }
    return finish(0, "channel_closed");
  }
  if (kind !== "output_stream_data") return;
  ssm.sendACK(socket, message);
  if (message.payloadType !== OUTPUT) return;
  output += utf8.decode(message.payload);
  type();
  if (waitForTerminate && !ready && typedNeedle && output.includes(typedNeedle)) {
    ready = true;
    process.stdout.write("READY\n");
  }
});

socket.on("error", (error) => process.stderr.write(`websocket error: ${error.message}\n`));
socket.on("close", (code) => finish(0, `socket closed (${code})`));
