// The producer's "put on screen" panel: preview, then take. Picking a question,
// post or poll shows it on a scaled copy of the overlay's stage, laid out by the same code
// as /screen (overlay_card.js), with a warning when even the smallest type would
// not fit; Take puts it on air, and the next item in the list is lined up. The
// panel also says what is on air and who put it there. New wall posts wait behind
// an "N new" marker so the list does not move under the pointer.

import { t, short } from '../strings.js';
import { $, el, set_text, show, reconcile, network_icon, set_text_lang } from '../dom.js';
import { card_item, create_card, fill_card, fit_card, question_item, highlight_item, poll_item, stage_scale, TEXT_MIN_PX } from '../overlay_card.js';
import { held_list } from '../held_list.js';
import { total_text } from '../poll_bars.js';

// Expects in the page: #screen-now, #screen-clear, #preview-box, #preview-fit, #preview-label,
// #take, #preview-next, #screen-questions, #screen-highlights, #screen-highlights-new, #screen-polls.
export function take_panel(conn, run) {
  const stage = el('div', { class: 'stage' });
  const card = create_card();
  card.dataset.testid = 'preview-card';
  stage.append(card);
  $('preview-box').append(stage);
  let preview = null;  // {kind: 'question'|'highlight'|'poll', id}
  const wall = held_list($('screen-highlights'), $('screen-highlights-new'), () => render());

  function questions(state) {
    return state.questions
      .slice()
      .sort((a, b) => (a.status === 'answered') - (b.status === 'answered') || (b.votes || 0) - (a.votes || 0));
  }

  // The lists in the order the producer sees them, for lining up the next item.
  function lineup(state) {
    return [
      ...questions(state).filter((q) => q.status !== 'answered').map((q) => ({ kind: 'question', id: q.id })),
      ...wall.shown(state.highlights).map((h) => ({ kind: 'highlight', id: h.id })),
      ...polls(state).map((p) => ({ kind: 'poll', id: p.id })),
    ];
  }

  // Open polls first, then closed ones (their final results), newest first.
  function polls(state) {
    return [...state.polls.filter((p) => p.status === 'open'), ...state.polls.filter((p) => p.status === 'closed')];
  }

  function same(a, b) {
    return Boolean(a && b && a.kind === b.kind && a.id === b.id);
  }

  function item_of(state, pick) {
    if (!pick) return null;
    if (pick.kind === 'question') {
      const q = state.questions.find((x) => x.id === pick.id);
      return q ? question_item(q) : null;
    }
    if (pick.kind === 'poll') {
      const p = state.polls.find((x) => x.id === pick.id);
      return p ? poll_item(p) : null;
    }
    const h = state.highlights.find((x) => x.id === pick.id);
    return h ? highlight_item(h) : null;
  }

  // After a take, the item after the one taken (or the first that is not on air).
  function line_up_next(state, taken) {
    const all = lineup(state);
    const i = all.findIndex((x) => same(x, taken));
    const rest = i >= 0 ? [...all.slice(i + 1), ...all.slice(0, i)] : all;
    preview = rest.find((x) => !same(x, state.on_screen)) || null;
  }

  function render_preview(state) {
    const item = item_of(state, preview);
    if (preview && !item) preview = null;
    show($('preview-box'), Boolean(item));
    const box = $('preview-box');
    stage.style.setProperty('--stage-scale', String(stage_scale(box.clientWidth || 480, (box.clientWidth || 480) * (9 / 16))));
    if (item) {
      fill_card(card, item);
      const fit = fit_card(card);
      const fit_line = $('preview-fit');
      fit_line.dataset.fit = fit.fits ? 'ok' : 'overflow';
      set_text(
        fit_line,
        fit.fits
          ? fit.text_px > TEXT_MIN_PX || fit.lines <= 4
            ? t('preview_fits', { px: fit.text_px, min: TEXT_MIN_PX })
            : t('preview_smallest', { px: fit.text_px })
          : t('preview_overflow', { min: TEXT_MIN_PX }),
      );
      set_text($('preview-label'), same(preview, state.on_screen) ? t('preview_on_air') : t('preview_ready'));
    } else {
      $('preview-fit').dataset.fit = '';
      set_text($('preview-fit'), '');
      set_text($('preview-label'), t('preview_none'));
    }
    const take = $('take');
    take.disabled = !item || same(preview, state.on_screen) || conn.status.state !== 'connected';
    const after = lineup(state);
    const i = after.findIndex((x) => same(x, preview));
    const next = i >= 0 ? after.slice(i + 1).find((x) => !same(x, state.on_screen)) : null;
    const next_item = item_of(state, next);
    set_text($('preview-next'), next_item ? t('preview_next', { text: short(next_item.text) }) : '');
  }

  function render_on_air(state) {
    const os = state.on_screen;
    const item = card_item(state);
    if (!os || !item) {
      set_text($('screen-now'), t('screen_none'));
      return;
    }
    set_text($('screen-now'), os.by ? t('screen_now_by', { text: item.text, by: os.by }) : t('screen_now', { text: item.text }));
  }

  function pick_row(kind) {
    return () => {
      const btn = el('button', { type: 'button', class: 'btn btn-small', testid: `screen-preview-${kind}` });
      const li = el(
        'li',
        { class: 'pick', testid: `pick-${kind}` },
        el('span', { class: 'pick-icon' }),
        el('span', { class: 'pick-text', dir: 'auto' }),
        el('span', { class: 'pick-meta' }),
        btn,
      );
      btn.addEventListener('click', () => {
        const state = conn.state;
        const pick = { kind, id: li.dataset.id };
        if (state && same(pick, state.on_screen)) {
          run({ type: 'on_screen.set', kind: null, item: null }, t('screen_clear')).catch(() => {});
          return;
        }
        preview = pick;
        render();
      });
      return li;
    };
  }

  function update_row(kind, state) {
    return (li, item) => {
      li.dataset.id = item.id;
      const [icon, text_node, meta, btn] = li.children;
      const pick = { kind, id: item.id };
      const on = same(pick, state.on_screen);
      li.classList.toggle('on', on);
      li.classList.toggle('previewed', same(pick, preview));
      if (kind === 'highlight' && icon.dataset.source !== item.source) {
        icon.dataset.source = item.source;
        icon.replaceChildren(network_icon(item.source, item.source));
      }
      const text = kind === 'poll' ? item.question : item.text;
      set_text(text_node, text);
      set_text_lang(text_node, text, item.lang);
      if (kind === 'question') set_text(meta, `${item.author || t('anonymous')} · ${t('votes', { n: item.votes || 0 })}${item.status === 'answered' ? ` · ${t('answered')}` : ''}`);
      else if (kind === 'poll') set_text(meta, `${t(`poll_status_${item.status}`)} · ${total_text(item)}`);
      else set_text(meta, item.author ? `@${item.author.handle}` : '');
      set_text(btn, on ? t('screen_clear') : t('screen_preview'));
      btn.classList.toggle('btn-primary', same(pick, preview) && !on);
      btn.disabled = conn.status.state !== 'connected';
    };
  }

  function render() {
    const state = conn.state;
    if (!state) return;
    render_on_air(state);
    reconcile($('screen-questions'), questions(state), (q) => q.id, pick_row('question'), update_row('question', state));
    reconcile($('screen-highlights'), wall.shown(state.highlights), (h) => h.id, pick_row('highlight'), update_row('highlight', state));
    reconcile($('screen-polls'), polls(state), (p) => p.id, pick_row('poll'), update_row('poll', state));
    render_preview(state);
    $('screen-clear').disabled = conn.status.state !== 'connected' || !state.on_screen;
  }

  $('take').addEventListener('click', () => {
    const state = conn.state;
    if (!state || !preview) return;
    const taken = { ...preview };
    const item = item_of(state, taken);
    run({ type: 'on_screen.set', kind: taken.kind, item: taken.id }, t('take_label', { text: short(item ? item.text : '') }))
      .then(() => {
        if (conn.state) line_up_next(conn.state, taken);
        render();
      })
      .catch(() => {});
  });
  $('screen-clear').addEventListener('click', () => run({ type: 'on_screen.set', kind: null, item: null }, t('screen_clear')).catch(() => {}));

  window.addEventListener('resize', () => render());
  return { render, status: render };
}
