// The web client's answer to a 4008 (slow consumer): a growing, jittered wait, and a
// resume only when the closed connection made progress. Pure function of the client
// module, loaded as the browser loads it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slow_close_plan } from '../../web-client/js/connection.js';

test('the wait after a 4008 grows with each one in a row, up to 30 s', () => {
  const lowest = (n) => slow_close_plan(n, true, () => 0).delay;
  const highest = (n) => slow_close_plan(n, true, () => 0.999999).delay;
  assert.equal(lowest(0), 500);
  assert.equal(highest(0), 999);
  for (let n = 1; n < 5; ++n) {
    assert.ok(lowest(n) > lowest(n - 1), `the floor grows at ${n}`);
    assert.ok(highest(n) > highest(n - 1), `the ceiling grows at ${n}`);
  }
  assert.equal(lowest(20), 15000);
  assert.equal(highest(20), 29999);
  assert.ok(highest(1000) <= 30000, 'no overflow past the cap');
});

test('the wait is jittered: an audience closed together does not come back together', () => {
  const delays = new Set();
  for (let i = 0; i < 200; ++i) delays.add(slow_close_plan(3, true).delay);
  assert.ok(delays.size > 100, `200 clients spread over ${delays.size} distinct delays`);
  for (const delay of delays) assert.ok(delay >= 4000 && delay < 8000, `${delay} within [4 s, 8 s)`);
});

test('a 4008 that made no progress drops the resume point; one that did keeps it', () => {
  assert.equal(slow_close_plan(0, false).resume, false);
  assert.equal(slow_close_plan(0, true).resume, true);
});
