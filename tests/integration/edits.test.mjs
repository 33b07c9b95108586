// Posts edited at their source, end to end: Mastodon `update` then `status.update`
// frames from a Mastodon streaming server (a local fake). A queued post reaches
// moderators again and a highlight reaches viewers again, both under the same id with
// the new text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { startServer, joinClient, http, defaultEvent, waitFor } from './lib/harness.mjs';

const route = `/api/events/${defaultEvent}/posts`;
const statusUri = 'https://mastodon.social/users/bob/statuses/112100000000000001';
const postId = `mastodon:${statusUri}`;

// One Mastodon streaming frame; the status is JSON text inside `payload`, as servers send it.
function mastodonFrame(event, text, editedAt = null, id = '112100000000000001') {
  const status = {
    id,
    created_at: '2024-04-22T14:10:00.000Z',
    in_reply_to_id: null,
    in_reply_to_account_id: null,
    sensitive: false,
    spoiler_text: '',
    visibility: 'public',
    language: 'en',
    uri: `https://mastodon.social/users/bob/statuses/${id}`,
    url: `https://mastodon.social/@bob/${id}`,
    edited_at: editedAt,
    content: `<p>${text} <a href="https://mastodon.social/tags/natosummit" class="mention hashtag" rel="tag">#<span>NATOSummit</span></a></p>`,
    reblog: null,
    account: {
      id: '27707015496032627',
      username: 'bob',
      acct: 'bob@mastodon.social',
      display_name: 'Bob B.',
      url: 'https://mastodon.social/@bob',
    },
    media_attachments: [],
    mentions: [],
    tags: [{ name: 'natosummit', url: 'https://mastodon.social/tags/natosummit' }],
  };
  return JSON.stringify({ stream: ['hashtag', 'natosummit'], event, payload: JSON.stringify(status) });
}

// The streaming half of a Mastodon server: hashtag streams that carry what the test sends,
// and an empty hashtag timeline for the catch-up read after each connect.
class FakeMastodon {
  async start() {
    this.server = createServer((request, response) =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('[]'));
    this.wss = new WebSocketServer({ noServer: true });
    this.streams = [];
    this.server.on('upgrade', (request, socket, head) => {
      this.wss.handleUpgrade(request, socket, head, (ws) => {
        this.streams.push({ ws, tag: new URL(request.url, 'http://fake').searchParams.get('tag') });
      });
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.base = `http://127.0.0.1:${this.server.address().port}`;
    return this;
  }

  open() {
    return this.streams.filter((s) => s.ws.readyState === s.ws.OPEN);
  }

  // Sends a frame on the #natosummit stream, as the server would.
  send(frame) {
    for (const { ws } of this.open().filter((s) => s.tag === 'natosummit')) ws.send(frame);
  }

  close() {
    for (const client of this.wss.clients) client.terminate();
    this.server.close();
  }
}

async function startWithMastodon(t) {
  const fake = await new FakeMastodon().start();
  t.after(() => fake.close());
  const server = await startServer(t, { args: ['--mastodon', fake.base, '--mastodon-token', 'edits-test-token'] });
  await waitFor(() => fake.open().some((s) => s.tag === 'natosummit'), { timeout: 10000, what: 'the hashtag stream' });
  return { server, fake };
}

test('an edit at the source replaces a queued post and then a shown highlight in place', async (t) => {
  const { server, fake } = await startWithMastodon(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const viewer = await joinClient(t, server);

  fake.send(mastodonFrame('update', 'Manza on operations'));
  const queued = await moderator.next((f) => f.type === 'queue.post' && f.post.id === postId);
  assert.match(queued.post.text, /^Manza on operations #NATOSummit/);

  // Edited while held: moderators get the post again under the same id.
  const held = moderator.frames.length;
  fake.send(mastodonFrame('status.update', 'Manza on operations, corrected', '2024-04-22T14:20:00.000Z'));
  const requeued = await moderator.next((f) => f.type === 'queue.post' && f.post.id === postId, { from: held });
  assert.match(requeued.post.text, /^Manza on operations, corrected #NATOSummit/);
  assert.equal(requeued.post.held_by, queued.post.held_by);

  const approved = await moderator.request({ type: 'post.approve', post: postId });
  assert.equal(approved.type, 'ack', JSON.stringify(approved));
  const added = await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === postId);
  assert.match(added.data.text, /corrected/);

  // Edited while on the wall: viewers get a second highlight.added with the same id.
  const shown = viewer.frames.length;
  fake.send(mastodonFrame('status.update', 'Manza on operations, final word', '2024-04-22T14:25:00.000Z'));
  const replaced = await viewer.next(
    (f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === postId,
    { from: shown },
  );
  assert.match(replaced.data.text, /^Manza on operations, final word #NATOSummit/);
  assert.equal(replaced.data.featured, false);
  assert.ok(replaced.seq > added.seq);

  await waitFor(async () => {
    const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
    return state.highlights.length === 1 && state.highlights[0].id === postId &&
      state.highlights[0].text.startsWith('Manza on operations, final word');
  }, { what: 'the edited highlight in the HTTP state' });
  // The moderation queue no longer holds it, edits or not.
  const late = await joinClient(t, server, { token: server.token('moderator') });
  const snapshot = await late.next((f) => f.type === 'queue.snapshot');
  assert.equal(snapshot.posts.filter((p) => p.id === postId).length, 0);
});

test('an edit of a post the wall never took changes nothing', async (t) => {
  const { server, fake } = await startWithMastodon(t);
  const viewer = await joinClient(t, server);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  fake.send(mastodonFrame('status.update', 'Edited before we ever saw it', '2024-04-22T14:20:00.000Z'));
  // A later status on the same stream proves the edit was handled before it (one source,
  // one engine, in order).
  fake.send(mastodonFrame('update', 'Next #Road2NATO', null, '112100000000000002'));
  await moderator.next((f) => f.type === 'queue.post' && f.post.id.endsWith('112100000000000002'));
  assert.equal(viewer.frames.filter((f) => f.type === 'change' && f.data?.id === postId).length, 0);
  assert.equal(moderator.frames.filter((f) => f.type === 'queue.post' && f.post.id === postId).length, 0);
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.deepEqual(state.highlights.map((h) => h.id).includes(postId), false);
});
