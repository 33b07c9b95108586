// The Q&A view: questions waiting for moderation (new ones held behind an "N new"
// marker while the pointer is over them), the approved ones ranked by votes, and
// the answered ones.

import { $ } from '../dom.js';
import { held_list } from '../held_list.js';

export function qa_panel({ rows, redraw }, draw) {
  const pending = held_list($('qa-pending'), $('qa-pending-new'), redraw, (r) => r.key);
  return {
    render() {
      draw($('qa-pending'), pending.shown(rows.queue_rows().filter((r) => r.kind === 'question')));
      draw($('qa-approved'), rows.live_question_rows('open'));
      draw($('qa-answered'), rows.live_question_rows('answered'));
    },
  };
}
