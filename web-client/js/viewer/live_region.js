// The screen reader's live region: says when the segment changes, the show pauses
// or ends, an announcement is made, or a poll opens or closes, once per change and never for the first
// state (that is the page opening, not news).

import { t, kind_label } from '../strings.js';
import { $ } from '../dom.js';
import { current_segment } from '../agenda.js';
import { open_poll } from '../polls.js';

export function live_region_panel() {
  let last = { current: undefined, status: undefined, announcement: undefined, poll: undefined };
  let first = true;

  function announce(text) {
    const region = $('live-region');
    // Clearing first makes repeated identical messages be read again.
    region.textContent = '';
    setTimeout(() => {
      region.textContent = text;
    }, 50);
  }

  function after(state) {
    const agenda = state.agenda;
    const seg = current_segment(agenda);
    const current = seg ? seg.id : null;
    const text = state.announcement ? state.announcement.text : null;
    const poll = open_poll(state);
    const poll_id = poll ? poll.id : null;
    if (!first) {
      const was = last.poll && state.polls.find((p) => p.id === last.poll);
      if (poll && poll_id !== last.poll) announce(t('poll_announce_open', { text: poll.question }));
      else if (was && poll_id !== last.poll && was.status === 'closed') announce(t('poll_announce_closed', { text: was.question }));
      else if (text && text !== last.announcement) announce(t('live_announcement', { text }));
      else if (agenda.status !== last.status && agenda.status === 'paused') announce(t('live_paused'));
      else if (agenda.status !== last.status && agenda.status === 'ended') announce(t('live_ended'));
      else if (current !== last.current && seg) {
        announce(t('live_segment', { kind: kind_label(seg.kind), title: seg.title }));
      }
    }
    last = { current, status: agenda.status, announcement: text, poll: poll_id };
    first = false;
  }

  return { after };
}
