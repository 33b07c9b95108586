// The event file's stream: checked at start, public as event.stream, and the only
// thing that widens the pages' Content-Security-Policy (to its player's sources).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { companionBin, defaultEvent, eventFile, http, joinClient, startServer, tempDataDir } from './lib/harness.mjs';

function eventWith(t, stream) {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-stream-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const event = JSON.parse(readFileSync(eventFile('events/nato-indo-pacific-2024.json'), 'utf8'));
  event.stream = stream;
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return file;
}

test('a YouTube stream is public with its video id, and the policy admits only its privacy-enhanced frame', async (t) => {
  const file = eventWith(t, { kind: 'youtube', url: 'https://youtu.be/dQw4w9WgXcQ?t=3', delay_ms: 20000, started_at: '2024-04-22T13:59:30Z' });
  const server = await startServer(t, { args: ['--event', file] });
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.deepEqual(state.event.stream, {
    kind: 'youtube', url: 'https://youtu.be/dQw4w9WgXcQ?t=3', delay_ms: 20000, started_at: Date.parse('2024-04-22T13:59:30Z'), video_id: 'dQw4w9WgXcQ',
  });
  assert.equal(state.event.stream_url, '', 'the version 1 field stays as the file has it');
  const viewer = await joinClient(t, server);
  const snapshot = await viewer.next((f) => f.type === 'snapshot');
  assert.deepEqual(snapshot.state.event.stream, state.event.stream);
  const page = await http(server, '/');
  const csp = page.headers.get('content-security-policy');
  assert.match(csp, /frame-src https:\/\/www\.youtube-nocookie\.com(;|$)/);
  assert.doesNotMatch(csp, /media-src/);
  assert.match(csp, /frame-ancestors 'none'/);
});

test('the bundled event links to its recording and leaves the policy as it was', async (t) => {
  const server = await startServer(t);
  const state = (await http(server, `/api/events/${defaultEvent}/state`)).json;
  assert.equal(state.event.stream.kind, 'none');
  assert.match(state.event.stream.url, /^https:\/\/www\.usip\.org\/events\//);
  const csp = (await http(server, '/')).headers.get('content-security-policy');
  assert.doesNotMatch(csp, /frame-src|media-src/);
});

test('a stream with a mistake stops the start with the file, the field and why', (t) => {
  const cases = [
    [{ kind: 'youtube', url: 'https://vimeo.com/123' }, 'stream.url'],
    [{ kind: 'hls', url: "https://x.example/a.m3u8 'unsafe-inline'" }, 'stream.url'],
    [{ kind: 'hls', url: 'https://x.example/a.m3u8', delay_ms: 3600000 }, 'stream.delay_ms'],
    [{ kind: 'dash', url: 'https://x.example/a.mpd' }, 'stream.kind'],
  ];
  for (const [stream, field] of cases) {
    const file = eventWith(t, stream);
    const dataDir = tempDataDir();
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const run = spawnSync(companionBin, ['serve', '--listen', '127.0.0.1:0', '--data', dataDir, '--event', file], { encoding: 'utf8', timeout: 10000 });
    assert.notEqual(run.status, 0, JSON.stringify(stream));
    assert.match(run.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${field.replace('.', '\\.')}: `), run.stderr);
  }
});
