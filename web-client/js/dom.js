// Small DOM helpers shared by every page. Text only ever enters the DOM through
// textContent (el's `text`), never as HTML, so server data cannot inject markup.

// The element with this id in the page.
export function $(id) {
  return document.getElementById(id);
}

// el('li', {class: 'x', text: 'hi', testid: 'y', 'aria-label': 'z', dir: 'auto'}, child, ...)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else if (name === 'testid') node.dataset.testid = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// Sets textContent only when it changed, so screen readers and selection are not disturbed.
export function set_text(node, text) {
  const value = text === null || text === undefined ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

export function show(node, visible) {
  node.hidden = !visible;
}

// Keyed list update: reuses existing children by key, creates missing ones,
// reorders with the fewest moves, removes the rest. Returns the created nodes.
export function reconcile(container, items, key_of, create, update) {
  const existing = new Map();
  for (const child of Array.from(container.children)) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
    else child.remove();
  }
  const keep = new Set();
  const created = [];
  let cursor = container.firstElementChild;
  for (const item of items) {
    const key = String(key_of(item));
    let node = existing.get(key);
    if (!node || keep.has(key)) {
      node = create(item);
      node.dataset.key = key;
      created.push(node);
    }
    keep.add(key);
    update(node, item);
    if (node === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(node, cursor);
  }
  for (const [key, node] of existing) if (!keep.has(key)) node.remove();
  return created;
}

// An <img> for a network icon; decorative when a text label sits beside it.
export function network_icon(source, label) {
  const known = ['bluesky', 'mastodon', 'webhook', 'replay'];
  const name = known.includes(source) ? source : 'webhook';
  return el('img', {
    class: 'net-icon',
    // Beside this module, so the icons come from the same (cached, versioned) folder.
    src: new URL(`../icons/${name}.svg`, import.meta.url).href,
    alt: label || '',
    width: 16,
    height: 16,
  });
}

// The language to mark a piece of audience text with: the one the network declared,
// else a guess from the script (kana is Japanese, hangul Korean). '' means unknown, so
// the text does not inherit the page's language (and, say, Korean line breaking
// is never applied to Japanese text on a Korean page).
export function text_lang(text, declared) {
  if (typeof declared === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(declared)) return declared;
  const value = typeof text === 'string' ? text : '';
  if (/[\u3040-\u30ff]/.test(value)) return 'ja';
  if (/[\uac00-\ud7af\u1100-\u11ff]/.test(value)) return 'ko';
  return '';
}

// Sets the lang attribute of an element holding audience text.
export function set_text_lang(node, text, declared) {
  const lang = text_lang(text, declared);
  if (node.getAttribute('lang') !== lang) node.setAttribute('lang', lang);
}

// True while the user types somewhere, so single-key shortcuts stay out of the way.
export function is_typing(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (target.getAttribute('type') || 'text').toLowerCase();
    return !['button', 'submit', 'checkbox', 'radio', 'reset'].includes(type);
  }
  return false;
}

// Short human text for the connection state, with the countdown while waiting.
export function connection_text(status, t, now = Date.now()) {
  const secs = status.retry_at ? Math.max(0, Math.ceil((status.retry_at - now) / 1000)) : null;
  switch (status.state) {
    case 'connected': return t('conn_connected');
    case 'connecting': return t('conn_connecting');
    case 'reconnecting': return secs ? t('conn_reconnecting', { s: secs }) : t('conn_reconnecting_now');
    case 'offline': return secs ? t('conn_offline', { s: secs }) : t('conn_offline_now');
    case 'unauthorized': return t('conn_unauthorized');
    default: return status.state;
  }
}
