// Fills an event to the size of a real one, fast: questions asked, approved and
// answered through pipelined commands on staff connections, votes from viewers,
// and held posts through the webhook ingest. Used by the paging and summit tests
// and by the join-cost benchmark. The server must run with question rate limits
// raised (seedArgs) so one connection may ask thousands.
import { Client, defaultEvent, http } from './harness.mjs';

// Server flags that let a seeding connection ask as many questions as it needs.
export const seedArgs = ['--questions-per-minute', '1000000', '--ip-questions-per-minute', '1000000'];

// Sends `commands` on `client` with at most `window` unanswered at a time; resolves with
// the answers (ack or error frames) in command order. A rate_limited command is sent again
// after the wait the server names. Throws on the first other error unless `allowErrors`.
export async function pipeline(client, commands, { window = 200, allowErrors = false, timeout = 120000 } = {}) {
  const answers = new Array(commands.length);
  const byId = new Map();
  const queue = commands.map((_, i) => i);
  let inFlight = 0;
  let answered = 0;
  let resolveDone;
  let rejectDone;
  const done = new Promise((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });
  const timer = setTimeout(() => rejectDone(new Error(`pipeline: ${answered}/${commands.length} answered in ${timeout} ms`)), timeout);
  const sendMore = () => {
    while (queue.length > 0 && inFlight < window) {
      const index = queue.shift();
      const id = `seed-${client.nextId++}`;
      byId.set(id, index);
      inFlight += 1;
      client.send({ ...commands[index], id });
    }
  };
  const onMessage = (data) => {
    const frame = JSON.parse(data.toString());
    if ((frame.type !== 'ack' && frame.type !== 'error') || !byId.has(frame.id)) return;
    const index = byId.get(frame.id);
    byId.delete(frame.id);
    inFlight -= 1;
    if (frame.type === 'error' && frame.code === 'rate_limited') {
      setTimeout(() => {
        queue.push(index);
        sendMore();
      }, frame.retry_after_ms ?? 100);
      return;
    }
    answers[index] = frame;
    answered += 1;
    if (frame.type === 'error' && !allowErrors) {
      rejectDone(new Error(`${JSON.stringify(commands[index])} -> ${JSON.stringify(frame)}`));
      return;
    }
    if (answered === commands.length) resolveDone(answers);
    else sendMore();
  };
  // A connection the server closed will never answer: say why at once.
  const onClose = (code, reason) =>
    rejectDone(new Error(`pipeline: connection closed with ${code} ${reason} after ${answered}/${commands.length} answers`));
  client.ws.on('message', onMessage);
  client.ws.on('close', onClose);
  try {
    if (commands.length === 0) return answers;
    sendMore();
    return await done;
  } finally {
    clearTimeout(timer);
    client.ws.off('message', onMessage);
    client.ws.off('close', onClose);
  }
}

// Runs `commands` spread over several connections at once (each has its own rate budget);
// resolves with the answers in command order.
export async function spread(clients, commands, options) {
  const list = Array.isArray(clients) ? clients : [clients];
  const shares = list.map(() => []);
  commands.forEach((command, i) => shares[i % list.length].push(command));
  const results = await Promise.all(list.map((client, c) => pipeline(client, shares[c], options)));
  return commands.map((_, i) => results[i % list.length][Math.floor(i / list.length)]);
}

// A question text of about 120 characters, unique per index so none merge.
export function questionText(i) {
  return `Question ${i}: how will partners in the Indo-Pacific take part in exercise number ${i * 7 + 3} of the coming summit year?`;
}

// Asks `count` questions on staff connections (one or several); approves the first
// `approve` of them and marks the first `answer` of those answered. Resolves with the ids
// in asking order.
export async function seedQuestions(staff, { count, approve = 0, answer = 0, from = 0 }) {
  const asks = [];
  for (let i = 0; i < count; ++i) asks.push({ type: 'question.ask', text: questionText(from + i), name: `Guest ${from + i}` });
  const acks = await spread(staff, asks);
  const ids = acks.map((ack) => String(ack.question));
  await spread(staff, ids.slice(0, approve).map((question) => ({ type: 'question.approve', question })));
  await spread(staff, ids.slice(0, answer).map((question) => ({ type: 'question.answered', question })));
  return ids;
}

// A post the event's hashtags match, from an author no rule trusts: the nato event holds it.
export function heldPost(i, prefix = 'held') {
  return {
    id: `${prefix}-${i}`,
    author: { handle: `guest-${i}.example`, display_name: `Guest ${i}` },
    text: `Watching panel ${i} of the summit with colleagues from the region #Road2NATO`,
    created_at: 1713794400000 + i,
  };
}

// Ingests `count` held posts in NDJSON batches; resolves once every one is accepted.
export async function seedHeldPosts(server, ingestToken, { count, from = 0, batch = 2000, prefix = 'held', event = defaultEvent }) {
  for (let start = 0; start < count; start += batch) {
    const lines = [];
    for (let i = start; i < Math.min(count, start + batch); ++i) lines.push(JSON.stringify(heldPost(from + i, prefix)));
    const answer = await http(server, `/api/events/${event}/posts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/x-ndjson' },
      body: lines.join('\n'),
    });
    if (answer.status !== 202 || answer.json.accepted !== lines.length)
      throw new Error(`ingest refused part of a batch: ${answer.status} ${answer.text}`);
  }
}

// Opens a staff connection and says hello with `token`; `t` (a test context) closes it
// when the test ends, else the caller does.
export async function staffClient(t, server, token) {
  const client = await Client.open(server.wsUrl, { perMessageDeflate: false });
  if (t) t.after(() => client.ws.terminate());
  await client.hello({ token });
  return client;
}
