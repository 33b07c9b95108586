// What this phone remembers about an event between visits (localStorage, one key
// per event and kind): the questions it asked that still wait, and its votes.

import { storage_key } from '../connection.js';

export function event_memory(event_id) {
  return {
    load(what, fallback) {
      try {
        const raw = localStorage.getItem(storage_key(event_id, what));
        return raw ? JSON.parse(raw) : fallback;
      } catch (e) {
        return fallback;
      }
    },
    save(what, value) {
      try {
        localStorage.setItem(storage_key(event_id, what), JSON.stringify(value));
      } catch (e) {
        // Storage full or disabled: the page still works, it just forgets on reload.
      }
    },
  };
}
