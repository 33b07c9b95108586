// Local fakes of the social networks' live APIs, shared by the source tests: a
// Jetstream server that honours cursor= the way the real one does, a Mastodon server
// (hashtag streams and timeline), a profile API for DID lookups, and the frames they send.
import { once } from 'node:events';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocketServer } from 'ws';
import { Client, repoRoot } from './harness.mjs';

export const hashtags = ['Road2NATO', 'NATOSummit'];

// Real wire formats: the tracker's fixtures when present, else the copies kept here.
export function fixtureLines(name) {
  for (const folder of ['tests/unit/tracker/data', 'tests/integration/data']) {
    try {
      return readFileSync(path.join(repoRoot, folder, name), 'utf8').split('\n').filter(Boolean);
    } catch {
      // try the next folder
    }
  }
  throw new Error(`fixture ${name} not found`);
}

// An event file in a temp folder: the default event, no other source, nothing trusted,
// so every matching post lands in the moderation queue.
export function writeEventFile(t, sources = {}) {
  const folder = mkdtempSync(path.join(tmpdir(), 'companion-sources-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const event = JSON.parse(readFileSync(path.join(repoRoot, 'events/nato-indo-pacific-2024.json'), 'utf8'));
  event.sources = sources;
  event.moderation = { trusted_authors: [], per_author_per_minute: 10000, drop_reposts: true };
  const file = path.join(folder, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return file;
}

// --- Jetstream frames, shaped like jetstream-sample.ndjson ---------------------------

const template = JSON.parse(fixtureLines('jetstream-sample.ndjson').find((line) => line.includes('"operation":"create"')));

export function postFrame(did, rkey, timeUs, text) {
  const frame = structuredClone(template);
  frame.did = did;
  frame.time_us = timeUs;
  const tag = hashtags[rkey.length % 2];
  const fullText = `${text} #${tag}`;
  const byteStart = Buffer.byteLength(`${text} `);
  Object.assign(frame.commit, { rev: rkey, rkey, cid: `bafy${rkey}` });
  frame.commit.record = {
    $type: 'app.bsky.feed.post',
    createdAt: new Date(Math.floor(timeUs / 1000)).toISOString(),
    langs: ['en'],
    text: fullText,
    facets: [{
      $type: 'app.bsky.richtext.facet',
      index: { byteStart, byteEnd: byteStart + Buffer.byteLength(`#${tag}`) },
      features: [{ $type: 'app.bsky.richtext.facet#tag', tag }],
    }],
  };
  return frame;
}

// The same post edited by its author: Jetstream sends the whole new record as an `update`.
export function updateFrame(did, rkey, timeUs, text) {
  const frame = postFrame(did, rkey, timeUs, text);
  Object.assign(frame.commit, { operation: 'update', rev: `${rkey}u${timeUs}`, cid: `bafy${rkey}u${timeUs}` });
  return frame;
}

export function identityFrame(did, handle, timeUs) {
  return { did, time_us: timeUs, kind: 'identity', identity: { did, handle, seq: Math.floor(timeUs / 1000), time: new Date(Math.floor(timeUs / 1000)).toISOString() } };
}

export function deleteFrame(did, rkey, timeUs) {
  return { did, time_us: timeUs, kind: 'commit', commit: { rev: `${rkey}d`, operation: 'delete', collection: 'app.bsky.feed.post', rkey } };
}

export const authors = [1, 2, 3, 4].map((i) => ({ did: `did:plc:author${i}aaaaaaaaaaaaaaaaa`, handle: `author${i}.bsky.social` }));

// Frames of one test, with time_us 400 ms apart, starting a minute ago.
export class FrameClock {
  constructor() {
    this.timeUs = (Date.now() - 60_000) * 1000;
    this.posts = 0;
  }
  tick() {
    this.timeUs += 400_000;
    return this.timeUs;
  }
  nextPosts(count) {
    const frames = [];
    for (let i = 0; i < count; ++i) {
      const n = this.posts++;
      const author = authors[n % authors.length];
      frames.push(postFrame(author.did, `3kt${String(n).padStart(6, '0')}`, this.tick(), `Panel note number ${n} from the floor`));
    }
    return frames;
  }
}

export const rkeyOf = (postId) => postId.split('/').pop();

// A Jetstream server: keeps every frame it was given, plays back from cursor= on connect
// (the real service's semantics), sends new frames to open connections.
export class FakeJetstream {
  async start() {
    this.log = [];
    this.connections = [];
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(this.wss, 'listening');
    this.url = `ws://127.0.0.1:${this.wss.address().port}/subscribe`;
    this.wss.on('connection', (ws, request) => {
      const url = new URL(request.url, 'http://fake');
      const cursor = url.searchParams.get('cursor');
      this.connections.push({ ws, path: url.pathname, wanted: url.searchParams.getAll('wantedCollections'), cursor: cursor === null ? null : Number(cursor) });
      if (cursor !== null) for (const frame of this.log.filter((f) => f.time_us >= Number(cursor))) ws.send(JSON.stringify(frame));
    });
    return this;
  }

  open() {
    return this.connections.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  // Records `frames` and sends them live; with `dropAfter`, the connections are cut right
  // after that many have been sent, and the rest wait in the log for a resume.
  async publish(frames, { dropAfter = Infinity } = {}) {
    let live = this.open();
    for (let i = 0; i < frames.length; ++i) {
      this.log.push(frames[i]);
      const sent = live.map(({ ws }) => new Promise((resolve) => ws.send(JSON.stringify(frames[i]), resolve)));
      if (i + 1 === dropAfter) {
        await Promise.all(sent);
        for (const { ws } of live) ws.terminate();
        live = [];
      }
    }
  }

  close() {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}

// The profile API: answers for the DIDs in `handles`, 400 for the rest, records each ask.
export async function startProfileApi(handles) {
  const asked = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url, 'http://fake');
    const actor = url.searchParams.get('actor');
    asked.push({ path: url.pathname, actor });
    if (!handles[actor]) {
      response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'InvalidRequest' }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ did: actor, handle: handles[actor], displayName: 'Someone' }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { asked, server, url: `http://127.0.0.1:${server.address().port}/xrpc/app.bsky.actor.getProfile` };
}

// A URL nothing listens on: the resolver must fail quietly there and never hold up ingest.
export async function deadUrl() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/xrpc/app.bsky.actor.getProfile`;
}

// A moderator connection; `ids()` lists every queued post id it was shown (snapshot and
// queue.post), repeats included, so that doubles show.
export async function joinModerator(t, server) {
  const client = await Client.open(server.wsUrl);
  t.after(() => client.ws.terminate());
  await client.hello({ token: server.token('moderator') });
  await client.next((f) => f.type === 'queue.snapshot');
  client.posts = () => {
    const snapshot = client.frames.find((f) => f.type === 'queue.snapshot');
    return [...snapshot.posts, ...client.frames.filter((f) => f.type === 'queue.post').map((f) => f.post)];
  };
  client.ids = () => client.posts().map((p) => p.id);
  client.removed = () => client.frames.filter((f) => f.type === 'queue.removed').map((f) => f.id);
  return client;
}

// A Mastodon server with both halves: hashtag streams (live only, no resume, as the
// real one) and the hashtag timeline, which answers from every status ever posted.
export class FakeMastodon {
  async start() {
    this.connections = [];
    this.statuses = [];
    this.timelineReads = [];
    this.server = createServer((request, response) => {
      const url = new URL(request.url, 'http://fake');
      const match = /^\/api\/v1\/timelines\/tag\/([^/]+)$/.exec(url.pathname);
      if (request.method !== 'GET' || !match) {
        response.writeHead(404).end();
        return;
      }
      const tag = decodeURIComponent(match[1]).toLowerCase();
      const minId = url.searchParams.get('min_id');
      const limit = Number(url.searchParams.get('limit') ?? 20);
      this.timelineReads.push({ tag, minId, limit, authorization: request.headers.authorization });
      // min_id: the `limit` statuses right after it, newest first, as Mastodon pages them.
      const newer = this.statuses
        .filter((s) => s.tags.some((tg) => tg.name === tag) && (minId === null || BigInt(s.id) > BigInt(minId)))
        .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
        .slice(0, limit)
        .reverse();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(newer));
    });
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (request, socket, head) => {
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        const url = new URL(request.url, 'http://fake');
        this.connections.push({ ws, tag: url.searchParams.get('tag') });
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.base = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  open() {
    return this.connections.filter((c) => c.ws.readyState === c.ws.OPEN);
  }

  // Posts a status: kept for the timeline, sent live on the open streams of its hashtags.
  post(status) {
    this.statuses.push(status);
    for (const tag of status.tags.map((tg) => tg.name))
      for (const { ws } of this.open().filter((c) => c.tag === tag))
        ws.send(JSON.stringify({ stream: ['hashtag', tag], event: 'update', payload: JSON.stringify(status) }));
  }

  // The author edited a status: the streams carry the new version as `status.update`.
  edit(status) {
    this.statuses = this.statuses.map((s) => (s.id === status.id ? status : s));
    for (const tag of status.tags.map((tg) => tg.name))
      for (const { ws } of this.open().filter((c) => c.tag === tag))
        ws.send(JSON.stringify({ stream: ['hashtag', tag], event: 'status.update', payload: JSON.stringify(status) }));
  }

  close() {
    for (const client of this.wss.clients) client.terminate();
    this.server.close();
  }
}
