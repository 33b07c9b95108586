// The stream beside the companion: the event's `stream` played at the top of the
// viewer page (sticky on a phone, beside the companion on a wide screen), and the
// toggle between "in step with the video" and "live". YouTube plays in its
// privacy-enhanced embed; HLS through hls.js (vendored, loaded only when an event
// has an HLS stream) or the browser's own HLS. While an HLS video plays, its
// EXT-X-PROGRAM-DATE-TIME tells how far the picture is behind the server's clock,
// and the view holds changes by that much. A stream of kind "none" with a URL is a
// link to the recording. The player is optional: without a stream nothing shows.
// Once segments have run, the agenda as it ran is a list of chapters that seek the
// video (after the show, or within a live stream's DVR window); an ended show with a
// video is a replay: the recording, its chapters, the top questions and featured posts.

import { t } from '../strings.js';
import { $, show, set_text, el, reconcile } from '../dom.js';
import { chapters_of, can_seek } from '../chapters.js';

// Beside this module wherever the page is served from (the hashed asset folder too).
const HLS_MODULE = '../vendor/hls.light.min.mjs';
// The measured latency is reported this often while the video plays.
const MEASURE_EVERY_MS = 1000;

function youtube_src(stream) {
  // The privacy-enhanced domain: no cookies until the viewer plays the video.
  const params = new URLSearchParams({ playsinline: '1', rel: '0', enablejsapi: '1', origin: window.location.origin });
  return `https://www.youtube-nocookie.com/embed/${encodeURIComponent(stream.video_id)}?${params}`;
}

export function player_panel(view) {
  let shown_key = null;  // what is mounted now ("hls https://...", ...)
  let video = null;
  let hls = null;
  let frame = null;
  let measuring = null;

  function say(text) {
    set_text($('player-note'), text || '');
    show($('player-note'), !!text);
  }

  function unmount() {
    clearInterval(measuring);
    measuring = null;
    if (hls) hls.destroy();
    hls = null;
    video = null;
    frame = null;
    $('player-frame').replaceChildren();
    say('');
  }

  // How far the picture is behind the server's clock, while the video plays.
  function measure() {
    if (!video || video.paused || video.readyState < 2) return;
    let date = null;
    if (hls && hls.playingDate) date = hls.playingDate.getTime();
    else if (!hls && typeof video.getStartDate === 'function') {
      const start = video.getStartDate().getTime();
      if (Number.isFinite(start)) date = start + video.currentTime * 1000;
    }
    if (date !== null && Number.isFinite(date)) view.measured(view.conn.server_now() - date);
    $('player').dataset.latency = String(Math.round(view.latency()));
    $('player').dataset.latencySource = view.latency_source();
  }

  async function mount_hls(url) {
    video = document.createElement('video');
    video.controls = true;
    video.muted = true;  // browsers let a muted video start by itself
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('aria-label', t('player_label'));
    video.setAttribute('data-testid', 'player-video');
    $('player-frame').append(video);
    const failed = () => say(t('player_failed'));
    video.addEventListener('error', failed);
    measuring = setInterval(measure, MEASURE_EVERY_MS);
    const mine = video;
    if (window.MediaSource && window.MediaSource.isTypeSupported) {
      try {
        const { default: Hls } = await import(HLS_MODULE);
        if (video !== mine) return;  // unmounted meanwhile
        if (Hls.isSupported()) {
          // No worker: the page's policy allows scripts from the server only, not blob: workers.
          hls = new Hls({ enableWorker: false });
          hls.on(Hls.Events.ERROR, (event, data) => {
            if (data && data.fatal) failed();
          });
          hls.loadSource(url);
          hls.attachMedia(video);
          return;
        }
      } catch (e) {
        // Fall through to the browser's own HLS.
      }
    }
    if (video.canPlayType('application/vnd.apple.mpegurl')) video.src = url;
    else failed();
  }

  function mount(stream) {
    unmount();
    $('player').dataset.kind = stream ? stream.kind : 'none';
    if (!stream || stream.kind === 'none') {
      const link = $('player-link');
      if (stream && stream.url) link.href = stream.url;
      show(link, !!(stream && stream.url));
      show($('player-frame'), false);
      return;
    }
    show($('player-link'), false);
    show($('player-frame'), true);
    if (stream.kind === 'youtube' && stream.video_id) {
      frame = document.createElement('iframe');
      frame.src = youtube_src(stream);
      frame.title = t('player_label');
      frame.allow = 'autoplay; encrypted-media; picture-in-picture; fullscreen';
      frame.referrerPolicy = 'strict-origin-when-cross-origin';
      frame.setAttribute('data-testid', 'player-youtube');
      $('player-frame').append(frame);
    } else if (stream.kind === 'hls' && stream.url) {
      mount_hls(stream.url);
    }
  }

  // Where a moment of the show is in the video: from the picture's program date-time
  // when the stream has one, else from the recording's start (stream.started_at).
  function video_seconds(chapter, at_ms) {
    if (hls && hls.playingDate && video) return (at_ms - (hls.playingDate.getTime() - video.currentTime * 1000)) / 1000;
    return chapter.start_s;
  }

  function mm_ss(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const two = (n) => String(n).padStart(2, '0');
    return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${m}:${two(s % 60)}`;
  }

  function render_chapters(state, stream) {
    const ended = state.agenda.status === 'ended';
    const list = chapters_of(state.agenda, stream, view.server_now());
    const starts = new Map(state.agenda.segments.map((s) => [s.id, s.actual_start]));
    const playing = !!(video || frame);
    show($('chapters'), playing && list.length > 0);
    reconcile(
      $('chapter-list'),
      list,
      (c) => c.id,
      () => {
        const button = el('button', { type: 'button', class: 'chapter', testid: 'chapter' });
        button.append(el('span', { class: 'chapter-time' }), el('span', { class: 'chapter-title', dir: 'auto' }));
        button.addEventListener('click', () => {
          const c = JSON.parse(button.dataset.chapter);
          seek(video_seconds(c, c.at));
        });
        return el('li', {}, button);
      },
      (li, c) => {
        const button = li.firstChild;
        button.dataset.chapter = JSON.stringify({ ...c, at: starts.get(c.id) });
        button.dataset.id = c.id;
        set_text(button.children[0], mm_ss(c.start_s));
        set_text(button.children[1], c.title);
        button.setAttribute('aria-label', `${c.title}, ${t('chapter_at', { time: mm_ss(c.start_s) })}`);
        button.disabled = !(ended || frame || (video && can_seek(video_seconds(c, starts.get(c.id)), false, video.seekable)));
      },
    );
    // An ended show with a video is a replay: what the audience asked most, what was featured.
    show($('replay'), ended && playing);
    if (ended && playing) {
      const top = state.questions.slice().sort((a, b) => (Number(b.votes) || 0) - (Number(a.votes) || 0)).slice(0, 5);
      reconcile($('replay-questions'), top, (q) => q.id, () => el('li', { dir: 'auto' }), (li, q) => set_text(li, q.text));
      const featured = state.highlights.filter((h) => h.featured).slice(0, 5);
      reconcile($('replay-posts'), featured, (h) => h.id, () => el('li', { dir: 'auto' }), (li, h) => set_text(li, `${h.author && h.author.display_name ? h.author.display_name + ': ' : ''}${h.text}`));
    }
  }

  function seek(seconds) {
    if (video) {
      video.currentTime = Math.max(0, seconds);
      video.play().catch(() => {});
    } else if (frame && frame.contentWindow) {
      frame.contentWindow.postMessage(JSON.stringify({ event: 'command', func: 'seekTo', args: [Math.max(0, seconds), true] }), 'https://www.youtube-nocookie.com');
    }
  }

  function render_mode() {
    const live = view.is_live();
    const toggle = $('sync-toggle');
    toggle.setAttribute('aria-pressed', live ? 'true' : 'false');
    set_text($('sync-state'), live ? t('sync_live') : t('sync_in_step'));
    set_text($('sync-hint'), live ? t('sync_live_hint') : t('sync_in_step_hint'));
  }

  // The tabs stick below the player on a phone, so they need its height.
  const box = $('player');
  if (window.ResizeObserver) {
    new ResizeObserver(() => document.documentElement.style.setProperty('--player-h', `${Math.floor(box.getBoundingClientRect().height)}px`)).observe(box);
  }

  $('sync-toggle').addEventListener('click', () => {
    view.set_live(!view.is_live());
    render_mode();
  });

  return {
    changes: ['agenda', 'question.added', 'question.updated', 'votes', 'highlight.added', 'highlight.removed'],
    render(state) {
      const stream = state.event && state.event.stream && typeof state.event.stream === 'object' ? state.event.stream : null;
      const key = stream ? `${stream.kind} ${stream.url}` : '';
      const playable = !!stream && (stream.kind === 'hls' || stream.kind === 'youtube');
      show($('player'), !!stream && (playable || !!stream.url));
      show($('sync-row'), playable);
      document.body.classList.toggle('has-player', playable);
      if (key !== shown_key) {
        shown_key = key;
        mount(stream);
      }
      render_mode();
      render_chapters(state, stream);
    },
    // The DVR window moves as the video plays: chapters follow it.
    tick() {
      if (view.state && video) render_chapters(view.state, view.stream());
    },
  };
}
