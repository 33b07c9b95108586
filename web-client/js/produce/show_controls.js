// The run-of-show controls: Start, Previous, Next, Pause/Resume and End (with a
// confirm that also settles the announcement), and their keys: → or N next,
// ← or P previous, space pause/resume.

import { t } from '../strings.js';
import { $, set_text, show, is_typing } from '../dom.js';
import { agenda_of } from '../agenda.js';
import { can_command } from '../staff.js';

export function show_controls_panel(conn, run) {
  const agenda = () => agenda_of(conn.state);

  function render_buttons() {
    const a = agenda();
    const connected = can_command(conn);
    const running = a.status === 'live' || a.status === 'paused';
    const i = a.segments.findIndex((s) => s.id === a.current);
    $('btn-start').disabled = !connected || a.status !== 'scheduled';
    $('btn-prev').disabled = !connected || !running || i <= 0;
    $('btn-next').disabled = !connected || !running || i < 0 || i >= a.segments.length - 1;
    $('btn-pause').disabled = !connected || a.status !== 'live';
    $('btn-resume').disabled = !connected || a.status !== 'paused';
    show($('btn-pause'), a.status !== 'paused');
    show($('btn-resume'), a.status === 'paused');
    $('btn-end').disabled = !connected || !running;
  }

  const commands = {
    start: () => run({ type: 'agenda.start' }, 'start'),
    prev: () => run({ type: 'agenda.previous' }, 'previous'),
    next: () => run({ type: 'agenda.next' }, 'next'),
    pause: () => run({ type: 'agenda.pause' }, 'pause'),
    resume: () => run({ type: 'agenda.resume' }, 'resume'),
  };

  function fire(name) {
    commands[name]().catch(() => {});
  }

  $('btn-start').addEventListener('click', () => fire('start'));
  $('btn-prev').addEventListener('click', () => fire('prev'));
  $('btn-next').addEventListener('click', () => fire('next'));
  $('btn-pause').addEventListener('click', () => fire('pause'));
  $('btn-resume').addEventListener('click', () => fire('resume'));

  // End: Q&A closes and the overlay clears with the end itself (server side); the
  // announcement is the producer's call, made here and sent once the end is acknowledged.
  const dialog = $('confirm-end-dialog');
  function end_choice() {
    const picked = dialog.querySelector('input[name=end-announce]:checked');
    return picked ? picked.value : 'closing';
  }
  $('btn-end').addEventListener('click', () => {
    const current = conn.state && conn.state.announcement && conn.state.announcement.text;
    set_text($('end-current-announcement'), current || '');
    show($('end-keep-row'), Boolean(current));
    dialog.querySelector(`input[value=${current ? 'keep' : 'closing'}]`).checked = true;
    if (!$('end-closing-text').value.trim()) $('end-closing-text').value = t('end_closing_default');
    dialog.returnValue = '';
    dialog.showModal();
  });
  $('end-closing-text').addEventListener('input', () => {
    dialog.querySelector('input[value=closing]').checked = true;
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'end') return;
    const choice = end_choice();
    const closing = $('end-closing-text').value.trim();
    run({ type: 'agenda.end' }, 'end')
      .then(() => {
        const showing = Boolean(conn.state && conn.state.announcement);
        if (choice === 'closing' && closing) return run({ type: 'announce', text: closing }, 'closing message');
        if ((choice === 'clear' || (choice === 'closing' && !closing)) && showing) return run({ type: 'announce', text: '' }, 'clear announcement');
        return null;
      })
      .catch(() => {});
  });

  document.addEventListener('keydown', (ev) => {
    if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    // Keys typed into a field, or while a dialog asks something, are not commands.
    if (is_typing(ev.target) || document.querySelector('dialog[open]') || $('console').hidden) return;
    const a = agenda();
    const key = ev.key.length === 1 ? ev.key.toLowerCase() : ev.key;
    if (key === 'ArrowRight' || key === 'n') {
      ev.preventDefault();
      if (!$('btn-next').disabled) fire('next');
    } else if (key === 'ArrowLeft' || key === 'p') {
      ev.preventDefault();
      if (!$('btn-prev').disabled) fire('prev');
    } else if (key === ' ') {
      // Space on a focused button would also click it; handle it once here.
      ev.preventDefault();
      if (a.status === 'live') fire('pause');
      else if (a.status === 'paused') fire('resume');
    }
  });

  render_buttons();
  return { render: render_buttons, status: render_buttons };
}
