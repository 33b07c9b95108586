// The live column of the queue view: the approved questions, ranked by votes, and
// the wall as viewers see it, new posts held behind an "N new" marker while the
// pointer is over it.

import { $ } from '../dom.js';
import { held_list } from '../held_list.js';

export function live_panel({ rows, redraw }, draw) {
  const wall = held_list($('wall-list'), $('wall-new'), redraw, (r) => r.key);
  return {
    render() {
      draw($('live-questions'), rows.live_question_rows('open'));
      draw($('wall-list'), wall.shown(rows.wall_rows()));
    },
  };
}
