// WebSocket conformance on raw frames, modelled on the Autobahn test groups 1-7, 9 and
// 10: framing, pings, reserved bits, opcodes, fragmentation, UTF-8, the close handshake,
// limits and masking. Every case runs on its own connection; a protocol error must
// bring the right close code and the TCP close within 2 s.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CompanionServer } from './lib/harness.mjs';
import { OP, RawSocket, closePayload, encodeFrame, fdCount, waitForFds } from './hardening-helpers.mjs';

let server;
let baselineFds;

before(async () => {
  server = await new CompanionServer({ args: ['--quiet'] }).start();
  baselineFds = fdCount(server.proc.pid);
});

after(async () => {
  await server.stop();
  server.cleanup();
});

const ping = (id, padding = 0) => JSON.stringify({ type: 'ping', id }) + ' '.repeat(padding);

// Sends `frames` on a fresh connection and expects the server to close with `code`
// (answering nothing else first, unless `allowReplies`), and the TCP to end within 2 s.
async function expectClose(frames, code) {
  const raw = await RawSocket.open(server.port);
  try {
    const sentAt = Date.now();
    for (const frame of frames) raw.write(Buffer.isBuffer(frame) ? frame : encodeFrame(frame));
    const close = await raw.closeFrame({ timeout: 3000 });
    assert.equal(close.code, code, `close code (reason "${close.reason}")`);
    const endedAt = await Promise.race([raw.ended, new Promise((resolve) => setTimeout(() => resolve(null), 2500))]);
    assert.ok(endedAt !== null && endedAt - sentAt <= 2000, `TCP closed ${endedAt ? endedAt - sentAt : '>2500'} ms after the error`);
    return close;
  } finally {
    raw.destroy();
  }
}

// Sends `frames` and resolves with the raw socket once `predicate` matches a JSON reply.
async function expectReply(frames, predicate) {
  const raw = await RawSocket.open(server.port);
  try {
    for (const frame of frames) raw.write(Buffer.isBuffer(frame) ? frame : encodeFrame(frame));
    return await raw.json(predicate, { timeout: 3000 });
  } finally {
    raw.destroy();
  }
}

test('group 1: text frames of 7-bit, 16-bit and exactly-16-KiB lengths are answered; binary gets bad_request', async () => {
  assert.equal((await expectReply([{ payload: ping(1) }], (f) => f.id === 1)).type, 'pong');
  assert.equal((await expectReply([{ payload: ping(2, 300) }], (f) => f.id === 2)).type, 'pong');
  const full = ping(3);
  const exact = full + ' '.repeat(16384 - full.length);
  assert.equal(Buffer.byteLength(exact), 16384);
  assert.equal((await expectReply([{ payload: exact }], (f) => f.id === 3)).type, 'pong');
  const empty = await expectReply([{ payload: '' }], (f) => f.type === 'error');
  assert.equal(empty.code, 'bad_request');
  assert.equal(empty.id, null);
  const binary = await expectReply([{ opcode: OP.binary, payload: Buffer.from([1, 2, 3]) }], (f) => f.type === 'error');
  assert.equal(binary.code, 'bad_request');
});

test('group 2: pings are ponged with their payload, oversized ping is 1002, unsolicited pong is ignored', async () => {
  const raw = await RawSocket.open(server.port);
  try {
    const payload = Buffer.alloc(125, 0xab);
    raw.send({ opcode: OP.ping, payload });
    raw.send({ opcode: OP.ping });
    raw.send({ opcode: OP.pong, payload: Buffer.from('unsolicited') });
    for (let i = 0; i < 10; ++i) raw.send({ opcode: OP.ping, payload: Buffer.from(`n${i}`) });
    raw.send({ payload: ping('after') });
    await raw.json((f) => f.id === 'after');
    const pongs = raw.frames.filter((f) => f.opcode === OP.pong);
    assert.equal(pongs.length, 12);
    assert.deepEqual(pongs[0].payload, payload);
    assert.equal(pongs[1].payload.length, 0);
    assert.deepEqual(pongs.slice(2).map((f) => f.payload.toString()), [...Array(10).keys()].map((i) => `n${i}`));
  } finally {
    raw.destroy();
  }
  await expectClose([{ opcode: OP.ping, payload: Buffer.alloc(126) }], 1002);
});

test('group 3: any reserved bit set closes with 1002', async () => {
  await Promise.all([1, 2, 3, 4, 5, 6, 7].map((rsv) => expectClose([{ payload: ping(1), rsv }], 1002)));
  await expectClose([{ opcode: OP.ping, rsv: 4 }], 1002);
  // A valid frame first, then the bad one: the valid one is still answered.
  const raw = await RawSocket.open(server.port);
  try {
    raw.send({ payload: ping('ok') });
    raw.send({ payload: ping('bad'), rsv: 1 });
    await raw.json((f) => f.id === 'ok');
    assert.equal((await raw.closeFrame()).code, 1002);
  } finally {
    raw.destroy();
  }
});

test('group 4: reserved data and control opcodes close with 1002', async () => {
  await Promise.all(
    [3, 4, 5, 6, 7, 11, 12, 13, 14, 15].map((opcode) => expectClose([{ opcode, payload: Buffer.from('x') }], 1002)),
  );
});

test('group 5: fragments are assembled, control frames may interleave, bad fragmentation is 1002', async () => {
  const text = ping('frag');
  const answer = await expectReply(
    [
      { payload: text.slice(0, 5), fin: false },
      { opcode: OP.continuation, payload: text.slice(5, 12), fin: false },
      { opcode: OP.continuation, payload: text.slice(12) },
    ],
    (f) => f.id === 'frag',
  );
  assert.equal(answer.type, 'pong');

  // A ping between fragments is answered at once, the message after it completes.
  const raw = await RawSocket.open(server.port);
  try {
    raw.send({ payload: text.slice(0, 5), fin: false });
    raw.send({ opcode: OP.ping, payload: Buffer.from('between') });
    raw.send({ opcode: OP.continuation, payload: text.slice(5) });
    await raw.json((f) => f.id === 'frag');
    const pong = raw.frames.findIndex((f) => f.opcode === OP.pong);
    const reply = raw.frames.findIndex((f) => f.json?.id === 'frag');
    assert.ok(pong >= 0 && pong < reply, 'pong before the reply to the fragmented message');
  } finally {
    raw.destroy();
  }

  // One fragment per byte.
  const bytes = Buffer.from(ping('bytes'));
  const pieces = [...bytes].map((byte, i) => ({
    opcode: i === 0 ? OP.text : OP.continuation,
    payload: Buffer.from([byte]),
    fin: i === bytes.length - 1,
  }));
  assert.equal((await expectReply(pieces, (f) => f.id === 'bytes')).type, 'pong');

  await expectClose([{ opcode: OP.ping, payload: Buffer.from('x'), fin: false }], 1002);
  await expectClose([{ opcode: OP.close, payload: closePayload(1000), fin: false }], 1002);
  await expectClose([{ opcode: OP.continuation, payload: Buffer.from('orphan') }], 1002);
  await expectClose([{ payload: '{"type":', fin: false }, { payload: '"ping"}' }], 1002);
});

test('group 6: invalid UTF-8 anywhere in a text message closes with 1007; split characters are fine', async () => {
  const emoji = Buffer.from(JSON.stringify({ type: 'ping', id: 'id-\u{1F600}-x' }));
  const cut = emoji.indexOf(0xf0) + 2; // inside the 4-byte sequence
  const answer = await expectReply(
    [
      { payload: emoji.subarray(0, cut), fin: false },
      { opcode: OP.continuation, payload: emoji.subarray(cut) },
    ],
    (f) => f.type === 'pong',
  );
  assert.equal(answer.id, 'id-\u{1F600}-x');

  const bad = (bytes) => Buffer.concat([Buffer.from('{"type":"ping","id":"'), Buffer.from(bytes), Buffer.from('"}')]);
  await Promise.all([
    expectClose([{ payload: bad([0xff]) }], 1007),
    expectClose([{ payload: bad([0xc0, 0xaf]) }], 1007), // overlong '/'
    expectClose([{ payload: bad([0xed, 0xa0, 0x80]) }], 1007), // surrogate
    expectClose([{ payload: bad([0xf4, 0x90, 0x80, 0x80]) }], 1007), // past U+10FFFF
    expectClose([{ payload: Buffer.from([0x7b, 0xe2, 0x82]) }], 1007), // message ends mid-character
    // The bad byte is in the first fragment: refused before the message is complete.
    expectClose([{ payload: Buffer.from([0x7b, 0xfe]), fin: false }], 1007),
  ]);
});

test('group 7: the close handshake echoes valid codes and refuses invalid ones', async () => {
  for (const code of [1000, 1001, 1003, 1007, 1011, 3000, 4999]) {
    const close = await expectClose([{ opcode: OP.close, payload: closePayload(code, 'bye') }], code);
    assert.equal(close.code, code);
  }
  const empty = await expectClose([{ opcode: OP.close }], 1000);
  assert.equal(empty.code, 1000);
  await expectClose([{ opcode: OP.close, payload: closePayload(1000, 'r'.repeat(123)) }], 1000);
  await expectClose([{ opcode: OP.close, payload: Buffer.from([0x03]) }], 1002);
  await Promise.all(
    [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535].map((code) =>
      expectClose([{ opcode: OP.close, payload: closePayload(code) }], 1002),
    ),
  );
  await expectClose([{ opcode: OP.close, payload: closePayload(1000, Buffer.from([0xff, 0xfe])) }], 1007);

  // Nothing after a close frame is answered.
  const raw = await RawSocket.open(server.port);
  try {
    raw.send({ opcode: OP.close, payload: closePayload(1000) });
    raw.send({ payload: ping('late') });
    await raw.ended;
    assert.equal(raw.frames.filter((f) => f.opcode === OP.text).length, 0);
    assert.equal(raw.frames.filter((f) => f.opcode === OP.close).length, 1);
  } finally {
    raw.destroy();
  }
});

test('group 9: messages over 16 KiB close with 1009, even before their payload arrives', async () => {
  await expectClose([{ payload: 'x'.repeat(16385) }], 1009);
  await expectClose([{ opcode: OP.binary, payload: Buffer.alloc(16385) }], 1009);
  await expectClose([{ payload: ' '.repeat(9000), fin: false }, { opcode: OP.continuation, payload: ' '.repeat(9000) }], 1009);
  // Announces a terabyte and sends nothing more: refused on the header alone.
  await expectClose([encodeFrame({ payload: Buffer.alloc(0), declaredLength: 2 ** 40 })], 1009);
  await expectClose([encodeFrame({ payload: Buffer.from('{}'), lengthForm: '64' }).fill(0xff, 2, 3)], 1002);
});

test('group 10: unmasked client frames close with 1002; a frame written a byte at a time is answered', async () => {
  await expectClose([{ payload: ping(1), masked: false }], 1002);
  const raw = await RawSocket.open(server.port);
  try {
    const frame = encodeFrame({ payload: ping('slow') });
    for (const byte of frame) {
      raw.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.equal((await raw.json((f) => f.id === 'slow')).type, 'pong');
  } finally {
    raw.destroy();
  }
});

test('after every case the server holds no more descriptors than before', async () => {
  const now = await waitForFds(server.proc.pid, baselineFds, { timeout: 5000 });
  assert.ok(now <= baselineFds, `descriptors ${now}, baseline ${baselineFds}`);
});
