// Chapters of the recording (web-client/js/chapters.js): the agenda as it ran, the
// same data as chapters.vtt, placed on the video by the stream's started_at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chapters_of, can_seek } from '../../../web-client/js/chapters.js';

const T = 1_713_790_800_000;
const agenda = {
  status: 'ended',
  started_at: T,
  ended_at: T + 600_000,
  segments: [
    { id: 'opening', title: 'Opening', actual_start: T },
    { id: 'panel', title: 'Panel', actual_start: T + 300_000 },
    { id: 'keynote', title: 'Keynote', actual_start: T + 120_000 },
    { id: 'closing', title: 'Closing', actual_start: null },
  ],
};

test('started segments in the order they ran, from the show start', () => {
  assert.deepEqual(chapters_of(agenda, null), [
    { id: 'opening', title: 'Opening', start_s: 0, end_s: 120 },
    { id: 'keynote', title: 'Keynote', start_s: 120, end_s: 300 },
    { id: 'panel', title: 'Panel', start_s: 300, end_s: 600 },
  ]);
});

test('the stream started_at moves them on the recording', () => {
  const list = chapters_of(agenda, { kind: 'hls', started_at: T - 30_000 });
  assert.deepEqual(list.map((c) => c.start_s), [30, 150, 330]);
});

test('nothing before the show starts; a running show ends its last chapter now', () => {
  assert.deepEqual(chapters_of({ ...agenda, started_at: null }, null), []);
  const running = { ...agenda, ended_at: null };
  assert.equal(chapters_of(running, null, T + 400_000).at(-1).end_s, 400);
});

test('seekable after the show, or within the DVR window', () => {
  const window = { length: 1, start: () => 100, end: () => 400 };
  assert.equal(can_seek(50, true, null), true);
  assert.equal(can_seek(50, false, window), false);
  assert.equal(can_seek(150, false, window), true);
  assert.equal(can_seek(150, false, null), false);
});
