// The announcement banner above the Now card, shown while the producer has one set.

import { $, set_text, show, set_text_lang } from '../dom.js';

export function announcement_panel() {
  function render(state) {
    const a = state.announcement;
    show($('announcement'), Boolean(a && a.text));
    set_text($('announcement-text'), a ? a.text : '');
    set_text_lang($('announcement-text'), a ? a.text : '');
  }
  return { changes: ['announcement'], render };
}
