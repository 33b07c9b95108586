// What this phone remembers about an event between visits (localStorage, one key
// per event and kind), and what it did in the event's Q&A: the questions it asked
// that still wait for moderation (shown to it only), and the questions it voted
// for. Both survive a reload.

import { storage_key } from '../connection.js';

// A question I asked is remembered this long while it waits for moderation.
const ASKED_TTL_MS = 24 * 3600 * 1000;

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

export function my_qa(memory) {
  const votes = new Set(memory.load('votes', []));
  let asked = memory.load('asked', []);

  return {
    votes,
    save_votes() {
      memory.save('votes', Array.from(votes));
    },
    asked: () => asked,
    add_asked(question) {
      asked.push(question);
      memory.save('asked', asked);
    },
    // Forgets questions that were approved (they are public now) or have waited too long.
    prune(state) {
      const now = Date.now();
      const approved = new Set(state ? state.questions.map((q) => q.id) : []);
      const before = asked.length;
      asked = asked.filter((q) => !approved.has(q.id) && now - q.asked_at < ASKED_TTL_MS);
      if (asked.length !== before) memory.save('asked', asked);
    },
  };
}
