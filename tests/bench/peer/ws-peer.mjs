// Reference peer for the fan-out benchmark. It speaks the subset of the Companion wire
// protocol the load generator uses (hello -> welcome + snapshot, announce and
// agenda.start/next/previous -> one `change` broadcast to every connection, ack with
// seq, ping/pong, error frames), on the Node `ws` package, broadcasting the way the ws
// documentation shows: one serialized message, sent to each open client in turn.
//
//   node ws-peer.mjs --listen 127.0.0.1:0 [--data DIR] [--event FILE]
//
// Prints `listening on http://ADDR:PORT` once ready. Any token is accepted as a
// producer token. --data and --event are accepted for command-line parity and ignored.
import crypto from 'node:crypto';
import http from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';

function parseArgs(argv) {
  const args = { listen: '127.0.0.1:0' };
  for (let i = 2; i + 1 < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
  return args;
}

const args = parseArgs(process.argv);
const separator = args.listen.lastIndexOf(':');
const host = args.listen.slice(0, separator);
const port = Number(args.listen.slice(separator + 1));
if (!host.startsWith('127.')) {
  console.error('ws-peer: listens on loopback only');
  process.exit(2);
}

// A viewer whose unsent bytes pass this is closed with 4008 (slow consumer), like the
// server's bounded per-connection queue.
const maxBufferedBytes = Number(process.env.PEER_MAX_BUFFERED_BYTES ?? 256 * 1024);
const pingIntervalMs = 20_000; // protocol: the server pings every 20 s
const silentLimitMs = 60_000; // protocol: a connection silent for 60 s is closed
const helloTimeoutMs = 10_000; // protocol: no hello within 10 s closes the connection

const epoch = crypto.randomBytes(8).toString('hex');
let seq = 0;
const state = {
  event: {
    id: 'bench',
    title: 'Fan-out benchmark',
    summary: '',
    hashtags: [],
    stream_url: null,
    starts_at: null,
  },
  agenda: {
    status: 'scheduled',
    current: null,
    started_at: null,
    segments: ['opening', 'keynote', 'panel', 'closing'].map((kind, index) => ({
      id: `s${index + 1}`,
      kind,
      title: `Segment ${index + 1}`,
      planned_minutes: 20,
      speakers: [],
      actual_start: null,
    })),
  },
  announcement: null,
  highlights: [],
  questions: [],
  on_screen: null,
  stats: { viewers: 0, tags: {} },
};

const server = http.createServer((request, response) => {
  if (request.url === '/healthz') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ status: 'ok' }));
    return;
  }
  response.writeHead(404, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: { code: 'not_found', message: 'no such route' } }));
});

const wss = new WebSocketServer({ server, path: '/ws', maxPayload: 16 * 1024 });

function sendJson(ws, object) {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(object));
}

function sendError(ws, id, code, message) {
  sendJson(ws, { type: 'error', id: id ?? null, code, message });
}

// One change: serialized once, then sent to every client that completed hello.
function broadcast(kind, data) {
  seq += 1;
  const frame = Buffer.from(JSON.stringify({ type: 'change', seq, epoch, kind, data }));
  wss.clients.forEach(function each(client) {
    if (client.readyState === WebSocket.OPEN && client.helloDone) {
      if (client.bufferedAmount > maxBufferedBytes) {
        client.close(4008, 'slow consumer');
        return;
      }
      client.send(frame, { binary: false });
    }
  });
  return seq;
}

function moveAgenda(ws, command) {
  const agenda = state.agenda;
  const index = agenda.segments.findIndex((segment) => segment.id === agenda.current);
  let target;
  if (command.type === 'agenda.start') {
    if (agenda.status !== 'scheduled') return sendError(ws, command.id, 'conflict', 'agenda already started');
    agenda.status = 'live';
    agenda.started_at = Date.now();
    target = 0;
  } else {
    if (agenda.status !== 'live') return sendError(ws, command.id, 'conflict', 'agenda is not live');
    target = command.type === 'agenda.next' ? index + 1 : index - 1;
    if (target < 0 || target >= agenda.segments.length) {
      return sendError(ws, command.id, 'conflict', 'no segment there');
    }
  }
  agenda.current = agenda.segments[target].id;
  agenda.segments[target].actual_start ??= Date.now();
  const changeSeq = broadcast('agenda', agenda);
  if (command.id !== undefined) sendJson(ws, { type: 'ack', id: command.id, seq: changeSeq });
}

function onHello(ws, command) {
  if (typeof command.token === 'string' && command.token.length > 0) ws.role = 'producer';
  ws.helloDone = true;
  clearTimeout(ws.helloTimer);
  state.stats.viewers = wss.clients.size;
  sendJson(ws, {
    type: 'welcome',
    id: command.id ?? null,
    role: ws.role,
    event: state.event.id,
    viewer: crypto.randomBytes(9).toString('base64url'),
    epoch,
    seq,
    server_time: Date.now(),
    recovered: false,
  });
  sendJson(ws, { type: 'snapshot', seq, state });
}

function onCommand(ws, command) {
  if (command === null || typeof command !== 'object' || typeof command.type !== 'string') {
    return sendError(ws, command?.id, 'bad_request', 'a command is an object with a type');
  }
  if (command.type === 'hello') {
    if (ws.helloDone) return sendError(ws, command.id, 'bad_request', 'hello already done');
    return onHello(ws, command);
  }
  if (!ws.helloDone) return sendError(ws, command.id, 'unauthorized', 'hello first');
  switch (command.type) {
    case 'ping':
      return sendJson(ws, { type: 'pong', id: command.id ?? null, server_time: Date.now() });
    case 'announce': {
      if (ws.role !== 'producer') return sendError(ws, command.id, 'forbidden', 'producer role required');
      if (typeof command.text !== 'string') return sendError(ws, command.id, 'bad_request', 'text must be a string');
      state.announcement = command.text === '' ? null : { text: command.text, at: Date.now() };
      const changeSeq = broadcast('announcement', state.announcement);
      if (command.id !== undefined) sendJson(ws, { type: 'ack', id: command.id, seq: changeSeq });
      return;
    }
    case 'agenda.start':
    case 'agenda.next':
    case 'agenda.previous':
      if (ws.role !== 'producer') return sendError(ws, command.id, 'forbidden', 'producer role required');
      return moveAgenda(ws, command);
    default:
      return sendError(ws, command.id, 'bad_request', `unknown type ${command.type}`);
  }
}

wss.on('connection', function connection(ws) {
  ws.role = 'viewer';
  ws.helloDone = false;
  ws.lastSeen = Date.now();
  ws.helloTimer = setTimeout(() => ws.close(4001, 'no hello'), helloTimeoutMs);
  ws.on('error', () => {});
  ws.on('pong', () => {
    ws.lastSeen = Date.now();
  });
  ws.on('close', () => clearTimeout(ws.helloTimer));
  ws.on('message', function message(data, isBinary) {
    ws.lastSeen = Date.now();
    if (isBinary) return sendError(ws, null, 'bad_request', 'text frames only');
    let command;
    try {
      command = JSON.parse(data.toString('utf8'));
    } catch {
      return sendError(ws, null, 'bad_request', 'malformed JSON');
    }
    onCommand(ws, command);
  });
});

const heartbeat = setInterval(function ping() {
  const now = Date.now();
  wss.clients.forEach(function each(ws) {
    if (now - ws.lastSeen > silentLimitMs) return ws.terminate();
    ws.ping();
  });
}, pingIntervalMs);

function shutdown() {
  clearInterval(heartbeat);
  wss.clients.forEach((ws) => ws.close(1001, 'server going away'));
  server.close();
  setTimeout(() => process.exit(0), 200).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

server.listen({ host, port, backlog: 4096 }, () => {
  const address = server.address();
  console.log(`listening on http://${address.address}:${address.port}`);
});
