// Posts edited at their source, end to end, through the live sources (local fakes of
// Bluesky Jetstream, `update` commits, and of Mastodon, `status.update`). A queued post
// is replaced in place. A post on the wall keeps its approved text for viewers and the
// overlay until a moderator decides on the edit, which waits in the queue under the
// same id with the rules' verdict and the text it would replace (`edit_of`). Approving
// replaces the highlight in place; rejecting keeps the approved text; a delete at the
// source takes the post down at once. A server killed with -9 rebuilds all of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, joinClient, http, defaultEvent, serverLives, waitFor } from './lib/harness.mjs';
import {
  FakeJetstream,
  FakeMastodon,
  deadUrl,
  deleteFrame,
  identityFrame,
  joinModerator,
  postFrame,
  updateFrame,
  writeEventFile,
} from './lib/social_fakes.mjs';

const statusUri = 'https://mastodon.social/users/bob/statuses/112100000000000001';
const postId = `mastodon:${statusUri}`;

// A Mastodon status as the API serves it, tagged #NATOSummit.
function mastodonStatus(text, editedAt = null, id = '112100000000000001') {
  return {
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
}

// The default event with its Mastodon source on a local fake; `life` for several lives.
async function startWithMastodon(t, { lives = false } = {}) {
  const fake = await new FakeMastodon().start();
  t.after(() => fake.close());
  const args = ['--mastodon', fake.base, '--mastodon-token', 'edits-test-token'];
  // Each life opens its own stream: one opened after `before` connections.
  const connected = (before) =>
    waitFor(() => fake.connections.slice(before).some((c) => c.tag === 'natosummit' && c.ws.readyState === c.ws.OPEN),
      { timeout: 10000, what: 'the #natosummit stream' });
  if (lives) {
    const life = serverLives(t, args);
    return { fake, life: async () => {
      const before = fake.connections.length;
      const server = await life();
      await connected(before);
      return server;
    } };
  }
  const server = await startServer(t, { args });
  await connected(0);
  return { fake, server };
}

async function publicState(server) {
  return (await http(server, `/api/events/${defaultEvent}/state`)).json;
}

const highlightChanges = (viewer, id, from = 0) =>
  viewer.frames.slice(from).filter((f) => f.type === 'change' && f.data?.id === id && f.kind.startsWith('highlight.'));

// Proves that nothing about `id` reached `viewer` since frame `from`: a later change
// (an announcement) arrives, and changes arrive in seq order.
async function assertViewerUnchanged(producer, viewer, id, from, what) {
  const text = `Marker ${Math.random().toString(36).slice(2)}`;
  assert.equal((await producer.request({ type: 'announce', text })).type, 'ack');
  await viewer.next((f) => f.type === 'change' && f.kind === 'announcement' && f.data?.text === text, { from });
  assert.deepEqual(highlightChanges(viewer, id, from), [], `${what}: viewers heard nothing of the edit`);
}

// The queue.post of an edit of the live post `id`, after frame `from`.
function nextEdit(moderator, id, from) {
  return moderator.next((f) => f.type === 'queue.post' && f.post.id === id && f.post.edit_of, { from, timeout: 10000 });
}

test('Mastodon: a queued post is replaced in place; a live one keeps its text until a moderator approves the edit', async (t) => {
  const { server, fake } = await startWithMastodon(t);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const viewer = await joinClient(t, server);

  fake.post(mastodonStatus('Manza on operations'));
  const queued = await moderator.next((f) => f.type === 'queue.post' && f.post.id === postId);
  assert.match(queued.post.text, /^Manza on operations #NATOSummit/);

  // Edited while held: moderators get the post again under the same id, in place.
  const held = moderator.frames.length;
  fake.edit(mastodonStatus('Manza on operations, corrected', '2024-04-22T14:20:00.000Z'));
  const requeued = await moderator.next((f) => f.type === 'queue.post' && f.post.id === postId, { from: held });
  assert.match(requeued.post.text, /^Manza on operations, corrected #NATOSummit/);
  assert.equal(requeued.post.held_by, queued.post.held_by);
  assert.equal(requeued.post.edit_of, undefined, 'a queued post is not an edit of a live one');

  assert.equal((await moderator.request({ type: 'post.approve', post: postId })).type, 'ack');
  const added = await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === postId);
  assert.match(added.data.text, /corrected/);
  assert.equal((await moderator.request({ type: 'post.feature', post: postId })).type, 'ack');
  assert.equal((await moderator.request({ type: 'on_screen.set', kind: 'highlight', item: postId })).type, 'ack');
  await viewer.next((f) => f.type === 'change' && f.kind === 'on_screen' && f.data?.id === postId);

  // Edited while on the wall and on screen: the edit waits; viewers and the overlay keep the approved text.
  const shown = viewer.frames.length;
  const beforeEdit = moderator.frames.length;
  fake.edit(mastodonStatus('Claim your free tokens at evil.example', '2024-04-22T14:25:00.000Z'));
  const pending = await nextEdit(moderator, postId, beforeEdit);
  assert.match(pending.post.text, /^Claim your free tokens at evil\.example #NATOSummit/);
  assert.match(pending.post.edit_of.text, /^Manza on operations, corrected #NATOSummit/);
  assert.equal(pending.post.edit_of.featured, true);
  assert.equal(typeof pending.post.held_by, 'string');
  await assertViewerUnchanged(producer, viewer, postId, shown, 'while the edit waits');
  let state = await publicState(server);
  assert.match(state.highlights.find((h) => h.id === postId).text, /corrected/);
  assert.deepEqual(state.on_screen, { kind: 'highlight', id: postId, by: 'test' }, 'the overlay keeps the approved post');
  const late = await joinClient(t, server, { token: server.token('moderator') });
  const snapshot = await late.next((f) => f.type === 'queue.snapshot');
  assert.deepEqual(snapshot.posts.map((p) => [p.id, Boolean(p.edit_of)]), [[postId, true]], 'a new console sees the edit waiting');

  // Rejected: the approved text stays.
  const beforeReject = moderator.frames.length;
  assert.equal((await moderator.request({ type: 'post.reject', post: postId })).type, 'ack');
  await moderator.next((f) => f.type === 'queue.removed' && f.id === postId, { from: beforeReject });
  await assertViewerUnchanged(producer, viewer, postId, shown, 'after the reject');
  state = await publicState(server);
  assert.match(state.highlights.find((h) => h.id === postId).text, /corrected/);

  // Edited again and approved: replaced in place, still featured and on screen.
  const beforeSecond = moderator.frames.length;
  fake.edit(mastodonStatus('Manza on operations, final word', '2024-04-22T14:30:00.000Z'));
  await nextEdit(moderator, postId, beforeSecond);
  const beforeApprove = viewer.frames.length;
  assert.equal((await moderator.request({ type: 'post.approve', post: postId })).type, 'ack');
  const replaced = await viewer.next(
    (f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === postId,
    { from: beforeApprove },
  );
  assert.match(replaced.data.text, /^Manza on operations, final word #NATOSummit/);
  assert.equal(replaced.data.featured, true);
  await waitFor(async () => {
    const now = await publicState(server);
    return now.highlights.length === 1 && now.highlights[0].text.startsWith('Manza on operations, final word') &&
      now.on_screen?.id === postId;
  }, { what: 'the approved edit in the HTTP state, still on screen' });
  const settled = await joinClient(t, server, { token: server.token('moderator') });
  assert.deepEqual((await settled.next((f) => f.type === 'queue.snapshot')).posts, []);
});

test('Mastodon: an edit of a post the wall never took changes nothing', async (t) => {
  const { server, fake } = await startWithMastodon(t);
  const viewer = await joinClient(t, server);
  const moderator = await joinClient(t, server, { token: server.token('moderator') });
  fake.edit(mastodonStatus('Edited before we ever saw it', '2024-04-22T14:20:00.000Z'));
  // A later status on the same stream proves the edit was handled before it (one source,
  // one engine, in order).
  fake.post(mastodonStatus('Next', null, '112100000000000002'));
  await moderator.next((f) => f.type === 'queue.post' && f.post.id.endsWith('112100000000000002'), { timeout: 10000 });
  assert.equal(viewer.frames.filter((f) => f.type === 'change' && f.data?.id === postId).length, 0);
  assert.equal(moderator.frames.filter((f) => f.type === 'queue.post' && f.post.id === postId).length, 0);
  const state = await publicState(server);
  assert.deepEqual(state.highlights.map((h) => h.id).includes(postId), false);
});

test('an edit waiting for a moderator survives kill -9: the journal rebuilds it, and approving it still works', async (t) => {
  const { fake, life } = await startWithMastodon(t, { lives: true });
  const first = await life();
  const moderator = await joinClient(t, first, { token: first.token('moderator') });
  // A blocked term, so the edit is held by a rule and the verdict must come back too.
  assert.equal((await moderator.request({
    type: 'moderation.set',
    rules: { blocked_terms: ['free tokens'], trusted_authors: [], per_author_per_minute: 100 },
  })).type, 'ack');
  fake.post(mastodonStatus('Manza on operations'));
  await moderator.next((f) => f.type === 'queue.post' && f.post.id === postId);
  assert.equal((await moderator.request({ type: 'post.approve', post: postId })).type, 'ack');
  const from = moderator.frames.length;
  fake.edit(mastodonStatus('Claim your free tokens', '2024-04-22T14:25:00.000Z'));
  const pending = await nextEdit(moderator, postId, from);
  assert.equal(pending.post.held_by, 'blocked_term');
  const before = await waitFor(async () => {
    const state = await publicState(first);
    return state.highlights.length === 1 && state;
  }, { what: 'the approved post in the HTTP state' });
  await first.stop('SIGKILL');

  const second = await life();
  const after = await publicState(second);
  assert.deepEqual(after.highlights, before.highlights, 'the wall is rebuilt as it was: the approved text');
  assert.match(after.highlights[0].text, /^Manza on operations #NATOSummit/);
  const again = await joinClient(t, second, { token: second.token('moderator') });
  const snapshot = await again.next((f) => f.type === 'queue.snapshot');
  assert.equal(snapshot.posts.length, 1);
  assert.equal(snapshot.posts[0].id, postId);
  assert.equal(snapshot.posts[0].held_by, 'blocked_term');
  assert.match(snapshot.posts[0].text, /free tokens/);
  assert.match(snapshot.posts[0].edit_of.text, /^Manza on operations #NATOSummit/);

  const viewer = await joinClient(t, second);
  assert.equal((await again.request({ type: 'post.approve', post: postId })).type, 'ack');
  const replaced = await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === postId);
  assert.match(replaced.data.text, /free tokens/);
});

test('Jetstream: an `update` of an approved post waits for a moderator; a delete takes the post down at once', async (t) => {
  const fake = await new FakeJetstream().start();
  t.after(() => fake.close());
  const life = serverLives(t, ['--event', writeEventFile(t), '--jetstream', fake.url, '--did-resolver', await deadUrl()]);
  const server = await life();
  await waitFor(() => fake.open().length === 1, { timeout: 10000, what: 'the Jetstream connection' });
  const moderator = await joinModerator(t, server);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const viewer = await joinClient(t, server);

  const author = { did: 'did:plc:editoraaaaaaaaaaaaaaaaaa', handle: 'editor.bsky.social' };
  const timeUs = () => Date.now() * 1000;
  await fake.publish([identityFrame(author.did, author.handle, timeUs())]);
  await fake.publish([postFrame(author.did, '3ktedit0001', timeUs(), 'Keynote starts now')]);
  const queued = await moderator.next((f) => f.type === 'queue.post' && f.post.id.endsWith('3ktedit0001'), { timeout: 10000 });
  const id = queued.post.id;
  assert.equal((await moderator.request({ type: 'post.approve', post: id })).type, 'ack');
  await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === id);

  const shown = viewer.frames.length;
  const from = moderator.frames.length;
  await fake.publish([updateFrame(author.did, '3ktedit0001', timeUs(), 'Keynote starts now: free tokens at evil.example')]);
  const pending = await nextEdit(moderator, id, from);
  assert.match(pending.post.text, /^Keynote starts now: free tokens at evil\.example #/);
  assert.match(pending.post.edit_of.text, /^Keynote starts now #/);
  assert.equal(pending.post.author.handle, author.handle);
  await assertViewerUnchanged(producer, viewer, id, shown, 'Jetstream update');
  assert.match((await publicState(server)).highlights.find((h) => h.id === id).text, /^Keynote starts now #/);

  // The author deletes the post while the edit waits: down at once, queue entry with it.
  const beforeDelete = viewer.frames.length;
  const queueBefore = moderator.frames.length;
  await fake.publish([deleteFrame(author.did, '3ktedit0001', timeUs())]);
  await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.removed' && f.data.id === id, { from: beforeDelete, timeout: 10000 });
  await moderator.next((f) => f.type === 'queue.removed' && f.id === id, { from: queueBefore });
  await waitFor(async () => (await publicState(server)).highlights.length === 0, { what: 'the HTTP state without the post' });
  assert.equal((await moderator.request({ type: 'post.approve', post: id })).code, 'conflict', 'nothing is left to approve');
});

test('Mastodon: a `status.update` of an approved post waits; approving it replaces the highlight in place', async (t) => {
  const fake = await new FakeMastodon().start();
  t.after(() => fake.close());
  const life = serverLives(t, ['--event', writeEventFile(t), '--mastodon', fake.base, '--mastodon-token', 'test-token-edits']);
  const server = await life();
  await waitFor(() => fake.open().length === 2, { timeout: 10000, what: 'the hashtag streams' });
  const moderator = await joinModerator(t, server);
  const producer = await joinClient(t, server, { token: server.token('producer') });
  const viewer = await joinClient(t, server);

  fake.post(mastodonStatus('Manza on operations'));
  await moderator.next((f) => f.type === 'queue.post' && f.post.id === postId, { timeout: 10000 });
  assert.equal((await moderator.request({ type: 'post.approve', post: postId })).type, 'ack');
  await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === postId);

  const shown = viewer.frames.length;
  const from = moderator.frames.length;
  fake.edit(mastodonStatus('Manza on operations, corrected', '2024-04-22T14:20:00.000Z'));
  const pending = await nextEdit(moderator, postId, from);
  assert.match(pending.post.text, /^Manza on operations, corrected #NATOSummit/);
  assert.match(pending.post.edit_of.text, /^Manza on operations #NATOSummit/);
  await assertViewerUnchanged(producer, viewer, postId, shown, 'Mastodon status.update');

  assert.equal((await moderator.request({ type: 'post.approve', post: postId })).type, 'ack');
  const replaced = await viewer.next((f) => f.type === 'change' && f.kind === 'highlight.added' && f.data.id === postId, { from: shown });
  assert.match(replaced.data.text, /^Manza on operations, corrected #NATOSummit/);
  await waitFor(async () => {
    const state = await publicState(server);
    return state.highlights.length === 1 && /corrected/.test(state.highlights[0].text);
  }, { what: 'the approved edit in the HTTP state, in place' });
});
