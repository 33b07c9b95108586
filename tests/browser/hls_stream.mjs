// A real HLS stream for the browser tests: Debian's ffmpeg encodes a short test
// picture (H.264 in fragmented MP4, which the distribution's Chromium decodes
// through MediaSource) into 2-second segments, and a loopback HTTP server serves
// them. The playlist's EXT-X-PROGRAM-DATE-TIME tags are written when it is first
// asked for, `behind_ms` in the past, so a player measures that latency (plus its
// own start-up) as a live stream's would be.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function startHlsStream({ seconds = 40, behind_ms = 4000 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-hls-'));
  const encoded = spawnSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-nostdin',
    '-f', 'lavfi', '-i', `testsrc2=size=320x180:rate=25:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0',
    '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'vod', '-hls_segment_type', 'fmp4',
    '-hls_flags', 'program_date_time+independent_segments',
    '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', path.join(dir, 'seg%03d.m4s'),
    path.join(dir, 'index.m3u8'),
  ], { encoding: 'utf8', timeout: 60000 });
  if (encoded.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`ffmpeg could not make the test stream: ${encoded.error ?? encoded.stderr}`);
  }
  const source = readFileSync(path.join(dir, 'index.m3u8'), 'utf8');
  let base = null;  // the program date of the first segment, set on the first request
  const playlist = () => {
    base ??= Date.now() - behind_ms;
    let at = base;
    const lines = [];
    for (const line of source.split('\n')) {
      if (line.startsWith('#EXT-X-PROGRAM-DATE-TIME:')) continue;
      if (line.startsWith('#EXTINF:')) {
        lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(at).toISOString()}`);
        at += Math.round(parseFloat(line.slice(8)) * 1000);
      }
      lines.push(line);
    }
    return lines.join('\n');
  };
  const types = { '.m3u8': 'application/vnd.apple.mpegurl', '.mp4': 'video/mp4', '.m4s': 'video/iso.segment' };
  const server = createServer((req, res) => {
    const name = path.basename(new URL(req.url, 'http://x').pathname);
    // The page is on another origin (the companion server): hls.js reads with CORS.
    const headers = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' };
    try {
      const body = name === 'index.m3u8' ? playlist() : readFileSync(path.join(dir, name));
      res.writeHead(200, { ...headers, 'Content-Type': types[path.extname(name)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404, headers);
      res.end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    url: `${origin}/index.m3u8`,
    origin,
    async stop() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
