// The event's hashtags as chips, each with links that open a post with it on
// Bluesky and Mastodon, so the audience posts where the wall listens.

import { t, network_label } from '../strings.js';
import { $, el, show, reconcile, network_icon } from '../dom.js';

function share_link(tag, href, network, icon) {
  return el(
    'a',
    {
      class: 'chip-link',
      href,
      target: '_blank',
      rel: 'noopener',
      'aria-label': t('post_on', { tag: `#${tag}`, network }),
      title: t('post_on', { tag: `#${tag}`, network }),
      testid: `share-${icon}`,
    },
    network_icon(icon, ''),
    el('span', { class: 'chip-net', text: network }),
  );
}

function create_chip(tag) {
  const text = encodeURIComponent(`#${tag}`);
  return el(
    'li',
    { class: 'chip', testid: 'hashtag-chip' },
    el('span', { class: 'chip-tag', text: `#${tag}` }),
    share_link(tag, `https://bsky.app/intent/compose?text=${text}`, network_label('bluesky'), 'bluesky'),
    share_link(tag, `https://mastodonshare.com/?text=${text}`, network_label('mastodon'), 'mastodon'),
  );
}

export function hashtags_panel() {
  function render(state) {
    const tags = state.event.hashtags || [];
    show($('hashtags'), tags.length > 0);
    reconcile($('hashtag-chips'), tags, (tag) => tag, create_chip, () => {});
  }
  return { changes: [], render };
}
