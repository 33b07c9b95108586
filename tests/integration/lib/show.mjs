// A show already under way when the test begins: an event file whose planned start
// is relative to now, and a data folder whose journal holds commands given minutes
// ago, so the real server replays them and every timer reads as it would on the day.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultEvent, tempDataDir } from './harness.mjs';

export const minute = 60_000;

// Writes an event file into `dataDir`: a short show of four segments (60 min planned)
// that was planned to start `startsIn` ms from now (negative: in the past).
export function writeShowEvent(dataDir, { startsIn = 0, showTimers, id = defaultEvent, minutes = [5, 20, 30, 5] } = {}) {
  const event = {
    id,
    title: 'Show day',
    summary: 'A short show for timing tests.',
    hashtags: ['ShowDay'],
    starts_at: new Date(Math.floor((Date.now() + startsIn) / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    agenda: [
      { id: 'opening', kind: 'opening', title: 'Opening remarks', planned_minutes: minutes[0], speakers: [] },
      { id: 'keynote', kind: 'keynote', title: 'Keynote', planned_minutes: minutes[1], speakers: [] },
      { id: 'panel', kind: 'panel', title: 'Panel', planned_minutes: minutes[2], speakers: [] },
      { id: 'closing', kind: 'closing', title: 'Closing', planned_minutes: minutes[3], speakers: [] },
    ],
    qa: { premoderate: false },
  };
  if (showTimers !== undefined) event.show_timers = showTimers;
  const file = path.join(dataDir, `${id}.json`);
  writeFileSync(file, JSON.stringify(event, null, 2));
  return file;
}

// A data folder holding `commands` ([{ago, type, ...fields}], `ago` ms before now)
// as producer commands in the journal of event `id`, in the current record format.
export function showDataDir(commands, id = defaultEvent) {
  const dataDir = tempDataDir();
  const now = Date.now();
  const quote = (text) => `'${text.replaceAll("'", "''")}'`;
  const rows = commands.map(({ ago, ...cmd }, i) => {
    const record = { v: 2, kind: 'command', at: now - ago, role: 'producer', viewer: '', subject: 'Joe Park', cmd };
    return `INSERT INTO journal (event, n, record, format) VALUES (${quote(id)}, ${i + 1}, ${quote(JSON.stringify(record))}, 2);`;
  });
  const sql = [
    'CREATE TABLE events (id TEXT PRIMARY KEY, epoch TEXT NOT NULL, created_at INTEGER NOT NULL);',
    'CREATE TABLE journal (event TEXT NOT NULL, n INTEGER NOT NULL, record TEXT NOT NULL, format INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (event, n)) WITHOUT ROWID;',
    ...rows,
  ].join('\n');
  execFileSync('sqlite3', [path.join(dataDir, 'companion.db')], { input: sql });
  return dataDir;
}
