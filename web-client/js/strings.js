// Every UI string, one table per language, and the locale-aware formatting of
// times, durations and counts. Pages call t('key', {params}) and the fmt_* helpers;
// nothing else in the client holds user-facing text.
//
// A value is a string with {name} placeholders, or {one, other, ...} chosen by
// Intl.PluralRules on params.n. Missing keys fall back to English.

const en = {
  // Connection and status (all pages)
  status_live: 'LIVE',
  status_paused: 'PAUSED',
  status_ended: 'ENDED',
  status_starts_at: 'STARTS {time}',
  status_scheduled: 'SOON',
  conn_connecting: 'Connecting…',
  conn_connected: 'Connected',
  conn_reconnecting: 'Reconnecting in {s} s',
  conn_reconnecting_now: 'Reconnecting…',
  conn_offline: 'Offline, retrying in {s} s',
  conn_offline_now: 'Offline, retrying…',
  conn_unauthorized: 'Not authorised',
  stale_note: 'Not connected: what you see may be out of date.',
  player_heading: 'Video',
  player_label: 'Event video',
  player_link: 'Watch the recording',
  player_failed: 'The video cannot be played here. Updates go on.',
  sync_in_step: 'In step with the video',
  sync_live: 'Live',
  sync_in_step_hint: 'Updates appear when the video shows them. Tap for live, if you are in the room.',
  sync_live_hint: 'Updates appear at once, ahead of the video. Tap to follow the video.',
  chapters_heading: 'Chapters',
  chapter_at: '{time} into the video',
  replay_heading: 'Replay',
  replay_top_questions: 'Top questions',
  replay_featured: 'Featured posts',
  viewers: { one: '{count} watching', other: '{count} watching' },

  // Segment kinds
  kind_opening: 'Opening',
  kind_keynote: 'Keynote',
  kind_panel: 'Panel',
  kind_qa: 'Q&A',
  kind_break: 'Break',
  kind_closing: 'Closing',
  role_moderator: 'Moderator',
  role_speaker: 'Speaker',
  role_panelist: 'Panelist',

  // Viewer: now card and agenda
  now_heading: 'Now',
  timer: '{elapsed} of {planned}',
  timer_paused: 'Paused at {elapsed} of {planned}',
  not_started_title: 'Starting soon',
  not_started_body: 'The event starts {time}.',
  not_started_late_body: 'Starts soon. Planned for {time}.',
  status_starts_soon: 'STARTS SOON',
  timer_left: '{time} left',
  timer_left_paused: 'Paused · {time} left',
  ended_title: 'The event has ended',
  ended_body: 'Thank you for watching.',
  up_next: 'Up next',
  up_next_none: 'Nothing more after this.',
  announcement_heading: 'Announcement',
  tab_agenda: 'Agenda',
  tab_wall: 'Wall',
  tab_qa: 'Q&A',
  // Polls: viewer page, staff consoles, /screen card
  tab_polls: 'Polls',
  polls_heading: 'Polls',
  polls_empty: 'No polls yet.',
  poll_live: 'Live poll',
  poll_pick_one: 'Tap an answer to vote.',
  poll_pick_several: 'Pick one or more answers, then send.',
  poll_send_vote: 'Send vote',
  poll_voting: 'Sending…',
  poll_thanks: 'Thanks for voting. Results update live.',
  poll_vote_failed: 'Your vote was not counted: {message}',
  poll_closed: 'Closed',
  poll_final: 'Final results',
  poll_mine: 'Your answer',
  poll_several_note: 'Each voter could pick several answers.',
  poll_announce_open: 'New poll: {text}',
  poll_announce_closed: 'Poll closed: {text}',
  poll_total: { one: '{count} vote', other: '{count} votes' },
  poll_bar_label: { one: '{text}: {percent}%, {count} vote', other: '{text}: {percent}%, {count} votes' },
  poll_card_live: 'LIVE POLL',
  poll_card_final: 'POLL RESULTS',
  poll_new: 'New poll',
  poll_keys_help: 'Keys: c new poll · j/k pick · o open · x close · s on screen',
  poll_question_label: 'Question',
  poll_options_label: 'Answers (2 to 6)',
  poll_add_option: '+ Answer',
  poll_option_n: 'Answer {n}',
  poll_remove_option: 'Remove answer {n}',
  poll_multiple: 'Several answers allowed',
  poll_create: 'Create draft',
  poll_create_label: 'new poll “{text}”',
  poll_need_question: 'Write the question.',
  poll_question_long: 'The question is longer than {n} characters.',
  poll_need_options: 'Give at least {n} answers.',
  poll_option_long: 'An answer is longer than {n} characters.',
  poll_options_same: 'Two answers are the same.',
  polls_open_heading: 'Open',
  polls_drafts_heading: 'Drafts',
  polls_closed_heading: 'Closed',
  polls_none_open: 'No poll is open.',
  polls_none_drafts: 'No drafts. Make one with New poll.',
  polls_none_closed: 'No closed polls yet.',
  poll_status_draft: 'Draft',
  poll_status_open: 'OPEN',
  poll_status_closed: 'Closed',
  poll_n_options: { one: '{n} answer', other: '{n} answers' },
  poll_several: 'several answers',
  poll_open: 'Open poll',
  poll_close: 'Close poll',
  poll_on_screen: 'On screen',
  poll_off_screen: 'Off screen',
  poll_open_label: 'open poll “{text}”',
  poll_close_label: 'close poll “{text}”',
  poll_screen_label: 'poll on air: “{text}”',
  poll_close_title: 'Close the poll?',
  poll_close_body: '“{text}” stops taking votes; its results stay as they are now.',
  screen_polls: 'Polls',
  screen_polls_empty: 'No open or closed polls.',
  agenda_now: 'Now',
  agenda_next: 'Next',
  agenda_started: 'Started {time}',
  agenda_minutes: { one: '{n} min', other: '{n} min' },
  agenda_done: 'Done',

  // Viewer: wall
  wall_empty: 'No posts on the wall yet. Post with the event hashtags to appear here.',
  new_posts: { one: '{n} new post', other: '{n} new posts' },
  open_original: 'Open original post',
  network_bluesky: 'Bluesky',
  network_mastodon: 'Mastodon',
  network_webhook: 'Web',
  network_replay: 'Replay',
  featured: 'Featured',
  hashtags_heading: 'Join the conversation',
  post_on: 'Post {tag} on {network}',
  reactions_heading: 'React',
  react_with: 'React with {emoji}',

  // Viewer: Q&A
  ask_heading: 'Ask a question',
  ask_label: 'Your question',
  ask_placeholder: 'Type your question for the speakers',
  ask_name_label: 'Your name (optional)',
  ask_submit: 'Send question',
  ask_sending: 'Sending…',
  ask_sent_pending: 'Thanks! Your question will appear once a moderator approves it.',
  ask_sent_open: 'Thanks! Your question is live.',
  ask_too_long: 'Too long: at most {max} characters.',
  ask_empty: 'Type a question first.',
  ask_name_too_long: 'Name: at most {max} characters.',
  ask_text_over: { one: 'Your question is {n} character too long (at most {max}). Shorten it to send.', other: 'Your question is {n} characters too long (at most {max}). Shorten it to send.' },
  ask_name_over: { one: 'Your name is {n} character too long (at most {max}). Shorten it to send.', other: 'Your name is {n} characters too long (at most {max}). Shorten it to send.' },
  ask_sent_merged_pending: 'A very similar question was already asked and waits for a moderator; your vote was added to it.',
  agenda_zone: 'Times in {zone} ({abbr}).',
  agenda_zone_both: 'Times in {zone} ({abbr}), with your time ({mine}) below.',
  agenda_your_time: '{time} your time',
  title_expand: 'Show the full title',
  ask_failed: 'Could not send your question: {message}',
  ask_sent_merged: 'A very similar question was already asked, so your vote was added to it.',
  ask_closed: 'Q&A has just closed, so your question was not sent. You can still vote below.',
  ask_rate_limited: 'You are asking quickly. Try again in {s} s.',
  qa_closed_notice: 'Questions are closed right now. You can still vote on the questions below.',
  questions_heading: 'Questions',
  questions_empty: 'No questions yet. Be the first to ask.',
  questions_shown: { one: 'Showing {shown} of {total} question', other: 'Showing {shown} of {total} questions' },
  questions_load_more: 'Load more questions',
  questions_loading: 'Loading…',
  answered_heading: 'Answered',
  awaiting_moderation: 'Awaiting moderation (only you can see this)',
  anonymous: 'Anonymous',
  vote: 'Vote for this question',
  unvote: 'Remove my vote',
  votes: { one: '{n} vote', other: '{n} votes' },
  vote_failed: 'Your vote was not counted: {message}',
  answered: 'Answered',

  // Announcements to screen readers
  live_segment: 'Now: {kind}, {title}',
  live_announcement: 'Announcement: {text}',
  live_paused: 'The event is paused.',
  live_ended: 'The event has ended.',

  // Errors by protocol code
  err_offline: 'you are offline; try again when connected',
  err_timeout: 'the server did not answer',
  err_disconnected: 'the connection dropped before the server answered',
  err_rate_limited: 'too many requests, wait a moment',
  err_forbidden: 'not allowed',
  err_conflict: 'not possible right now',
  err_not_found: 'no longer exists',
  err_bad_request: 'the server refused it',
  err_too_large: 'too large',
  err_unauthorized: 'not authorised',
  err_internal: 'server error',

  // Staff consoles (English only for now)
  token_heading: 'Staff sign-in',
  token_help: 'Paste the staff token you were given (the link with #token=… fills it in for you).',
  token_label: 'Staff token',
  token_submit: 'Connect',
  token_rejected: 'That token was not accepted. Paste a valid one.',
  sign_out: 'Forget token',
  conn_lost_banner: 'CONNECTION LOST: commands are not reaching the server. {detail}',
  producer_title: 'Producer',
  moderator_title: 'Moderator',
  on_air: 'Viewers see now',
  btn_start: 'Start',
  btn_prev: 'Previous',
  btn_next: 'Next',
  btn_pause: 'Pause',
  btn_resume: 'Resume',
  btn_end: 'End event',
  confirm_end_title: 'End the event?',
  confirm_end: 'End event',
  confirm_end_body: 'Viewers will see the event as ended, Q&A closes and the overlay is cleared. This cannot be undone.',
  end_announce_legend: 'The announcement on phones',
  end_announce_keep: 'Keep it:',
  end_announce_clear: 'Clear it',
  end_announce_closing: 'Replace it with a closing message:',
  end_closing_default: 'The event has ended. Thank you for joining us!',
  cancel: 'Cancel',
  jump_heading: 'Jump to segment',
  announce_heading: 'Announcement',
  announce_label: 'Announcement text',
  announce_send: 'Send',
  announce_clear: 'Clear',
  announce_current: 'Showing: {text}',
  announce_none: 'No announcement is showing.',
  screen_heading: 'Put on screen',
  screen_now: 'On screen: {text}',
  screen_none: 'Nothing on screen.',
  screen_put: 'Put on screen',
  screen_clear: 'Clear screen',
  screen_now_by: 'On screen: {text} (put on air by {by})',
  screen_preview: 'Preview',
  take: 'Take',
  take_label: 'on air: “{text}”',
  preview_none: 'Pick a question, post or poll to preview it.',
  preview_ready: 'Preview: this is what will air',
  preview_on_air: 'Preview: this is on air now',
  preview_fits: 'Fits the screen: text at {px} px (smallest allowed {min} px).',
  preview_smallest: 'Long: shown at the smallest size, {px} px, on more lines.',
  preview_overflow: 'Too long for the screen even at {min} px: edit it shorter before taking it.',
  preview_next: 'Next lined up: {text}',
  n_new: { one: '{n} new', other: '{n} new' },
  screen_questions: 'Approved questions',
  screen_highlights: 'Wall posts',
  last_command: 'Last command',
  cmd_idle: 'No command sent yet.',
  cmd_sent: '{command}: sent…',
  cmd_acked: '{command}: acknowledged, seq {seq}',
  cmd_acked_noseq: '{command}: acknowledged',
  cmd_error: '{command}: error: {message}',
  keys_help: 'Keys: → or N next · ← or P previous · Space pause/resume',
  segment_timer: 'Segment timer',
  timer_remaining: '{time} left of {planned}',
  timer_remaining_paused: 'Paused · {time} left of {planned}',
  timer_over: '{time} OVER ({planned} planned)',
  timer_over_paused: 'Paused · {time} OVER ({planned} planned)',
  drift_late: 'Running {n} min late',
  drift_early: 'Running {n} min early',
  drift_on_time: 'On time',
  drift_ends: 'planned end {planned} · expected {expected}',
  drift_ended: 'Ended {expected}, planned {planned}',
  signed_in_as: 'Signed in as {name} ({role})',
  staff_role_producer: 'producer',
  staff_role_moderator: 'moderator',
  wrong_console_moderator: 'This is a moderator link: the producer console needs a producer token.',
  other_console_producer: 'Producer link: you can also moderate.',
  open_moderator_console: 'Open the moderator console',
  open_producer_console: 'Back to the producer console',
  rundown_add: '+ Add segment',
  rundown_add_title: 'Add a segment',
  rundown_edit_title: 'Edit “{title}”',
  rundown_edit: 'Edit',
  rundown_edit_label: 'Edit segment',
  rundown_up_label: 'Move up',
  rundown_down_label: 'Move down',
  rundown_remove_label: 'Remove segment',
  rundown_remove_title: 'Remove the segment?',
  rundown_remove_body: '{title} leaves the agenda on every phone. Only upcoming segments can be removed.',
  rundown_remove: 'Remove',
  rundown_save: 'Save',
  rundown_field_title: 'Title',
  rundown_field_kind: 'Kind',
  rundown_field_minutes: 'Planned minutes',
  rundown_field_speakers: 'Speakers, one per line: Name | role (speaker, moderator, panelist, host) | title',
  rundown_field_after: 'Place',
  rundown_at_start: 'First',
  rundown_after: 'After “{title}”',
  stage_heading: 'Message to the stage',
  stage_help: 'Shown only on the speakers’ timer (/timer), in large type.',
  stage_label: 'Stage message',
  stage_send: 'Send to stage',
  stage_clear: 'Clear',
  stage_current: 'On the stage timer: {text}',
  stage_none: 'No message on the stage timer.',
  stage_open: 'Open the stage timer',
  timer_page_title: 'Stage timer',
  timer_page_waiting: 'Not started',
  timer_page_planned: 'Planned start {time}',
  timer_page_ended: 'The event has ended',
  timer_page_paused: 'PAUSED',
  timer_page_next: 'Next: {title}',
  no_current: 'No segment running.',
  queue_heading: 'Queue',
  live_heading: 'Live',
  wall_heading: 'Wall',
  approved_questions: 'Approved questions',
  pending_questions: 'Pending',
  answered_questions: 'Answered',
  queue_empty: 'The queue is empty.',
  empty_questions: 'No approved questions yet.',
  empty_answered: 'No answered questions yet.',
  empty_pending: 'No questions waiting.',
  empty_wall: 'No posts on the wall yet.',
  queue_depth: { one: '{n} waiting', other: '{n} waiting' },
  queue_shown: 'Showing {shown} of {total} waiting ({posts} posts, {questions} questions)',
  queue_load_more: 'Load more',
  filter_search_label: 'Search the queue',
  filter_search_placeholder: 'Search text or author',
  filter_source_label: 'Source',
  filter_rule_label: 'Held by',
  filter_language_label: 'Language',
  filter_any_source: 'Any source',
  filter_any_rule: 'Any rule',
  filter_any_language: 'Any language',
  filter_unknown_language: 'Unknown',
  filter_clear: 'Clear filter',
  filter_nothing: 'Nothing in the queue matches this filter.',
  filter_shown: { one: '{shown} matching item', other: '{shown} matching items' },
  filter_shown_more: { one: '{shown} matching item so far, searching on…', other: '{shown} matching items so far, searching on…' },
  filter_failed: 'The filter could not be applied: {error}',
  per_minute: '#{tag}: {n}/min',
  held_by: 'Held by {rule}',
  edited_at_source: 'Edited at the source',
  edit_of_label: 'Shown now:',
  kind_post: 'Post',
  kind_question: 'Question',
  act_approve: 'Approve',
  act_reject: 'Reject',
  act_feature: 'Feature',
  act_unfeature: 'Featured',
  act_edit: 'Edit',
  act_save: 'Save',
  act_screen: 'On screen',
  act_remove: 'Remove',
  act_answered: 'Mark answered',
  act_block: 'Block',
  act_trust: 'Trust',
  author_actions: 'Author:',
  act_block_title: 'Block this author: their posts are rejected from now on',
  act_trust_title: 'Trust this author: their posts go on the wall without moderation from now on',
  undo: 'Undo: {action}',
  undo_label: 'Undo {action}',
  item_label: '{author}: “{text}”',
  author_label: '{handle} ({network})',
  did_approve: 'Approved {what}',
  did_reject: 'Rejected {what}',
  did_remove: 'Removed from the wall {what}',
  did_feature: 'Featured {what}',
  did_edit: 'Edited {what}',
  did_air: 'Put on air {what}',
  did_clear_screen: 'Cleared the screen',
  did_answer: 'Marked answered {what}',
  did_reopen: 'Reopened {what}',
  did_block: 'Blocked {who}',
  did_trust: 'Trusted {who}',
  did_unblock: 'Unblocked {who}',
  did_untrust: 'No longer trusted {who}',
  did_unmerge: 'Undid the merge of {what}',
  did_bulk_approve: { one: 'Approved {n} post', other: 'Approved {n} posts' },
  did_bulk_reject: { one: 'Rejected {n} post', other: 'Rejected {n} posts' },
  bulk_skipped: { one: '{action}; {n} was already decided by someone else', other: '{action}; {n} were already decided by someone else' },
  bulk_count: { one: '{n} selected', other: '{n} selected' },
  bulk_approve: 'Approve selected',
  bulk_reject: 'Reject selected',
  bulk_clear: 'Clear selection',
  select_post: 'Select this post',
  act_screen_queue: 'Approve & air',
  act_screen_queue_title: 'Approves this item, then puts it on the screen',
  confirm_air_title: 'Approve and put on air?',
  confirm_air_body: '{what} has not been approved yet. This approves it and puts it on the screen at once.',
  confirm_air_ok: 'Approve and air',
  confirm_unmerge_title: 'Undo this merge?',
  confirm_unmerge_body: '{what} will stand on its own again and its vote is taken back. A merge cannot be redone by hand.',
  authors_summary: 'Blocked authors: {blocked} · trusted authors: {trusted}',
  authors_empty: 'No author is blocked or trusted.',
  author_blocked: 'Blocked: {who}',
  author_trusted: 'Trusted: {who}',
  author_by: 'by {by}, {time}',
  act_unblock: 'Unblock',
  act_untrust: 'Stop trusting',
  undo_none: 'Nothing to undo',
  undo_unavailable: '{action} cannot be undone',
  mod_keys_help: 'Keys: j/k move · a approve · r reject · f feature · e edit · s on screen · m answered · o reopen · u undo',
  tab_queue: 'Queue & wall',
  tab_questions: 'Q&A',
  on_screen_marker: 'ON SCREEN',
  screen_reconnecting: 'reconnecting',
  reset_button: 'Reset after rehearsal…',
  reset_title: 'Reset the event after the rehearsal?',
  reset_body: 'Every screen starts over from the prepared show: the agenda goes back to not started, and the rehearsal\'s questions, votes, posts, announcement and overlay are cleared. The rundown, the moderation rules and the blocked and trusted authors are kept. Nothing is deleted: the rehearsal stays in its audit export.',
  reset_ok: 'Reset the event',
  reset_label: 'reset',
  qa_heading: 'Audience Q&A',
  qa_state_open: 'Q&A is OPEN: viewers can ask questions.',
  qa_state_closed: 'Q&A is CLOSED: the ask box is disabled for viewers.',
  qa_open: 'Open Q&A',
  qa_close: 'Close Q&A',
  merged_count: { one: 'merged: {n} similar question', other: 'merged: {n} similar questions' },
  act_unmerge: 'Undo merge',
  act_reopen: 'Reopen',
  download_questions: 'Download questions CSV',
  download_audit: 'Download audit CSV',
  download_failed: 'Download failed: {message}',
  featured_marker: 'FEATURED',
  sources_heading: 'Sources',
  sources_none: 'No ingest sources configured.',
  sources_failed: 'Source status unavailable: {message}',
  sources_stale: 'Not connected: source status may be out of date.',
  source_kind_jetstream: 'Bluesky (Jetstream)',
  source_kind_mastodon: 'Mastodon',
  source_kind_replay: 'Replay',
  source_state_connecting: 'connecting',
  source_state_connected: 'connected',
  source_state_backoff: 'retrying',
  source_state_stopped: 'stopped',
  source_state_replaying: 'replaying',
  source_state_finished: 'finished',
  source_accepted: { one: '{count} accepted', other: '{count} accepted' },
  source_lag: 'lag {time}',
  source_detail: '{where} · {frames} frames · {reconnects} reconnects',
};

const ja = {
  status_live: 'ライブ',
  status_paused: '一時停止',
  status_ended: '終了',
  status_starts_at: '{time} 開始',
  status_scheduled: 'まもなく',
  conn_connecting: '接続中…',
  conn_connected: '接続済み',
  conn_reconnecting: '{s} 秒後に再接続',
  conn_reconnecting_now: '再接続中…',
  conn_offline: 'オフライン、{s} 秒後に再試行',
  conn_offline_now: 'オフライン、再試行中…',
  conn_unauthorized: '権限がありません',
  stale_note: '未接続のため、表示が古い可能性があります。',
  viewers: { other: '{count} 人が視聴中' },
  kind_opening: '開会',
  kind_keynote: '基調講演',
  kind_panel: 'パネル',
  kind_qa: '質疑応答',
  kind_break: '休憩',
  kind_closing: '閉会',
  role_moderator: 'モデレーター',
  role_speaker: '登壇者',
  role_panelist: 'パネリスト',
  now_heading: '現在',
  timer: '{elapsed} / {planned}',
  timer_paused: '一時停止中 {elapsed} / {planned}',
  not_started_title: 'まもなく開始',
  not_started_body: '{time} に開始します。',
  not_started_late_body: 'まもなく開始します（予定 {time}）。',
  status_starts_soon: 'まもなく開始',
  timer_left: '残り {time}',
  timer_left_paused: '一時停止中 · 残り {time}',
  ended_title: 'イベントは終了しました',
  ended_body: 'ご視聴ありがとうございました。',
  up_next: '次のプログラム',
  up_next_none: 'これが最後のプログラムです。',
  announcement_heading: 'お知らせ',
  tab_agenda: 'プログラム',
  tab_wall: 'ウォール',
  tab_qa: '質問',
  tab_polls: '投票',
  polls_heading: '投票',
  polls_empty: 'まだ投票はありません。',
  poll_live: '投票受付中',
  poll_pick_one: '回答をタップして投票してください。',
  poll_pick_several: '回答を1つ以上選んで送信してください。',
  poll_send_vote: '投票する',
  poll_voting: '送信中…',
  poll_thanks: '投票ありがとうございます。結果はリアルタイムで更新されます。',
  poll_vote_failed: '投票は受け付けられませんでした: {message}',
  poll_closed: '終了',
  poll_final: '最終結果',
  poll_mine: 'あなたの回答',
  poll_several_note: '1人が複数の回答を選べます。',
  poll_announce_open: '新しい投票: {text}',
  poll_announce_closed: '投票終了: {text}',
  poll_total: { other: '{count} 票' },
  poll_bar_label: { other: '{text}: {percent}%、{count} 票' },
  poll_card_live: '投票受付中',
  poll_card_final: '投票結果',
  agenda_now: '現在',
  agenda_next: '次',
  agenda_started: '{time} 開始',
  agenda_minutes: { other: '{n} 分' },
  agenda_done: '終了',
  wall_empty: 'まだ投稿はありません。ハッシュタグを付けて投稿すると、ここに表示されます。',
  new_posts: { other: '新着 {n} 件' },
  open_original: '元の投稿を開く',
  network_bluesky: 'Bluesky',
  network_mastodon: 'Mastodon',
  network_webhook: 'Web',
  network_replay: 'リプレイ',
  featured: '注目',
  hashtags_heading: '会話に参加',
  post_on: '{network} で {tag} を付けて投稿',
  reactions_heading: 'リアクション',
  react_with: '{emoji} でリアクション',
  ask_heading: '質問する',
  ask_label: '質問',
  ask_placeholder: '登壇者への質問を入力してください',
  ask_name_label: 'お名前（任意）',
  ask_submit: '質問を送信',
  ask_sending: '送信中…',
  ask_sent_pending: 'ありがとうございます。モデレーターの承認後に表示されます。',
  ask_sent_open: 'ありがとうございます。質問が公開されました。',
  ask_too_long: '長すぎます（最大 {max} 文字）。',
  ask_empty: '質問を入力してください。',
  ask_name_too_long: 'お名前は最大 {max} 文字です。',
  ask_failed: '質問を送信できませんでした: {message}',
  ask_sent_merged: 'よく似た質問がすでにあるため、その質問に投票しました。',
  ask_closed: '質問の受付が終了したため、送信されませんでした。下の質問への投票はできます。',
  ask_rate_limited: '送信が続いています。{s} 秒後にもう一度お試しください。',
  qa_closed_notice: '現在、質問の受付は終了しています。下の質問への投票はできます。',
  questions_heading: '質問一覧',
  questions_empty: 'まだ質問はありません。最初の質問をどうぞ。',
  questions_shown: '{total}件中{shown}件を表示',
  questions_load_more: 'さらに質問を読み込む',
  questions_loading: '読み込み中…',
  answered_heading: '回答済み',
  awaiting_moderation: '承認待ち（あなたにだけ表示されています）',
  anonymous: '匿名',
  vote: 'この質問に投票',
  unvote: '投票を取り消す',
  votes: { other: '{n} 票' },
  vote_failed: '投票できませんでした: {message}',
  answered: '回答済み',
  live_segment: '現在: {kind}、{title}',
  live_announcement: 'お知らせ: {text}',
  live_paused: 'イベントは一時停止中です。',
  live_ended: 'イベントは終了しました。',
  err_offline: 'オフラインです。接続後にもう一度お試しください',
  err_timeout: 'サーバーから応答がありません',
  err_disconnected: '応答前に接続が切れました',
  err_rate_limited: 'リクエストが多すぎます。少し待ってください',
  err_conflict: '現在は実行できません',
  err_not_found: 'すでに存在しません',
  err_bad_request: 'サーバーに拒否されました',
  err_internal: 'サーバーエラー',
};

const ko = {
  status_live: '라이브',
  status_paused: '일시 정지',
  status_ended: '종료',
  status_starts_at: '{time} 시작',
  status_scheduled: '곧 시작',
  conn_connecting: '연결 중…',
  conn_connected: '연결됨',
  conn_reconnecting: '{s}초 후 다시 연결',
  conn_reconnecting_now: '다시 연결 중…',
  conn_offline: '오프라인, {s}초 후 재시도',
  conn_offline_now: '오프라인, 재시도 중…',
  conn_unauthorized: '권한 없음',
  stale_note: '연결되지 않아 화면이 최신이 아닐 수 있습니다.',
  viewers: { other: '{count}명 시청 중' },
  kind_opening: '개회',
  kind_keynote: '기조연설',
  kind_panel: '패널 토론',
  kind_qa: '질의응답',
  kind_break: '휴식',
  kind_closing: '폐회',
  role_moderator: '사회자',
  role_speaker: '연사',
  role_panelist: '패널',
  now_heading: '지금',
  timer: '{elapsed} / {planned}',
  timer_paused: '일시 정지 {elapsed} / {planned}',
  not_started_title: '곧 시작합니다',
  not_started_body: '{time}에 시작합니다.',
  not_started_late_body: '곧 시작합니다 (예정 {time}).',
  status_starts_soon: '곧 시작',
  timer_left: '{time} 남음',
  timer_left_paused: '일시 정지 · {time} 남음',
  ended_title: '행사가 종료되었습니다',
  ended_body: '시청해 주셔서 감사합니다.',
  up_next: '다음 순서',
  up_next_none: '마지막 순서입니다.',
  announcement_heading: '공지',
  tab_agenda: '일정',
  tab_wall: '담벼락',
  tab_qa: '질문',
  tab_polls: '투표',
  polls_heading: '투표',
  polls_empty: '아직 투표가 없습니다.',
  poll_live: '실시간 투표',
  poll_pick_one: '답을 눌러 투표하세요.',
  poll_pick_several: '답을 하나 이상 고른 뒤 보내세요.',
  poll_send_vote: '투표하기',
  poll_voting: '보내는 중…',
  poll_thanks: '투표해 주셔서 감사합니다. 결과는 실시간으로 바뀝니다.',
  poll_vote_failed: '투표가 반영되지 않았습니다: {message}',
  poll_closed: '종료',
  poll_final: '최종 결과',
  poll_mine: '내 답',
  poll_several_note: '한 사람이 여러 답을 고를 수 있습니다.',
  poll_announce_open: '새 투표: {text}',
  poll_announce_closed: '투표 종료: {text}',
  poll_total: { other: '{count}표' },
  poll_bar_label: { other: '{text}: {percent}%, {count}표' },
  poll_card_live: '실시간 투표',
  poll_card_final: '투표 결과',
  agenda_now: '지금',
  agenda_next: '다음',
  agenda_started: '{time} 시작',
  agenda_minutes: { other: '{n}분' },
  agenda_done: '완료',
  wall_empty: '아직 게시물이 없습니다. 해시태그를 달아 게시하면 여기에 표시됩니다.',
  new_posts: { other: '새 게시물 {n}개' },
  open_original: '원본 게시물 열기',
  network_bluesky: 'Bluesky',
  network_mastodon: 'Mastodon',
  network_webhook: '웹',
  network_replay: '다시 보기',
  featured: '추천',
  hashtags_heading: '대화에 참여하세요',
  post_on: '{network}에 {tag} 달고 게시',
  reactions_heading: '반응',
  react_with: '{emoji}(으)로 반응하기',
  ask_heading: '질문하기',
  ask_label: '질문',
  ask_placeholder: '연사에게 할 질문을 입력하세요',
  ask_name_label: '이름 (선택)',
  ask_submit: '질문 보내기',
  ask_sending: '보내는 중…',
  ask_sent_pending: '감사합니다! 사회자가 승인하면 질문이 표시됩니다.',
  ask_sent_open: '감사합니다! 질문이 게시되었습니다.',
  ask_too_long: '너무 깁니다. 최대 {max}자입니다.',
  ask_empty: '먼저 질문을 입력하세요.',
  ask_name_too_long: '이름은 최대 {max}자입니다.',
  ask_failed: '질문을 보내지 못했습니다: {message}',
  ask_sent_merged: '매우 비슷한 질문이 이미 있어 그 질문에 투표했습니다.',
  ask_closed: '질문 접수가 마감되어 보내지 않았습니다. 아래 질문에는 계속 투표할 수 있습니다.',
  ask_rate_limited: '너무 빠르게 보내고 있습니다. {s}초 후에 다시 시도하세요.',
  qa_closed_notice: '지금은 질문을 받지 않습니다. 아래 질문에는 계속 투표할 수 있습니다.',
  questions_heading: '질문 목록',
  questions_empty: '아직 질문이 없습니다. 첫 질문을 남겨 보세요.',
  questions_shown: '질문 {total}개 중 {shown}개 표시',
  questions_load_more: '질문 더 보기',
  questions_loading: '불러오는 중…',
  answered_heading: '답변 완료',
  awaiting_moderation: '승인 대기 중 (나에게만 보임)',
  anonymous: '익명',
  vote: '이 질문에 투표',
  unvote: '투표 취소',
  votes: { other: '{n}표' },
  vote_failed: '투표가 반영되지 않았습니다: {message}',
  answered: '답변 완료',
  live_segment: '지금: {kind}, {title}',
  live_announcement: '공지: {text}',
  live_paused: '행사가 일시 정지되었습니다.',
  live_ended: '행사가 종료되었습니다.',
  err_offline: '오프라인입니다. 연결된 후 다시 시도하세요',
  err_timeout: '서버가 응답하지 않습니다',
  err_disconnected: '응답 전에 연결이 끊겼습니다',
  err_rate_limited: '요청이 너무 많습니다. 잠시 기다려 주세요',
  err_conflict: '지금은 할 수 없습니다',
  err_not_found: '더 이상 존재하지 않습니다',
  err_bad_request: '서버가 거부했습니다',
  err_internal: '서버 오류',
};

const tables = { en, ja, ko };

// The UI language: ?lang= wins (for testing and sharing), then the browser's preferences.
function pick_language() {
  const forced = new URLSearchParams(window.location.search).get('lang');
  const wanted = forced ? [forced] : navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || 'en'];
  for (const tag of wanted) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (tables[base]) return { lang: base, forced: Boolean(forced) };
  }
  return { lang: 'en', forced: false };
}

const picked = pick_language();
export const lang = picked.lang;
// Times follow the browser's own locale unless the language was forced in the URL.
export const locale = picked.forced ? lang : navigator.language || lang;

const plural_rules = new Intl.PluralRules(lang);

export function t(key, params = {}) {
  let value = tables[lang][key];
  if (value === undefined) value = en[key];
  if (value === undefined) return key;
  if (typeof value === 'object') {
    const category = plural_rules.select(Number(params.n ?? params.count ?? 0));
    value = value[category] ?? value.other;
  }
  return value.replace(/\{(\w+)\}/g, (m, name) => (params[name] === undefined ? m : String(params[name])));
}

// A protocol error (CommandError or similar) as a short human phrase.
export function error_text(err) {
  const code = err && err.code;
  const known = code && (tables[lang][`err_${code}`] || en[`err_${code}`]);
  if (known) return known;
  return (err && err.message) || String(err);
}

const clock_fmt = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' });
const day_clock_fmt = new Intl.DateTimeFormat(locale, {
  weekday: 'short',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
});
const number_fmt = new Intl.NumberFormat(locale);
const relative_fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });

function same_local_day(a, b) {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

// A wall-clock time in the viewer's time zone; the date is added when it is not today.
export function fmt_time(ms, now = Date.now()) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  return same_local_day(ms, now) ? clock_fmt.format(ms) : day_clock_fmt.format(ms);
}

// The viewer's own time zone (IANA name), as the browser reports it.
export function viewer_zone() {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch (e) {
    return 'UTC';
  }
}

const zoned_formats = new Map();
function zoned_format(zone, with_day) {
  const key = `${zone}|${with_day}`;
  if (!zoned_formats.has(key)) {
    let fmt;
    try {
      fmt = new Intl.DateTimeFormat(locale, {
        timeZone: zone,
        hour: 'numeric',
        minute: '2-digit',
        timeZoneName: 'short',
        ...(with_day ? { weekday: 'short', month: 'short', day: 'numeric' } : {}),
      });
    } catch (e) {
      // A zone this browser does not know: the viewer's own zone, still named.
      fmt = new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
    }
    zoned_formats.set(key, fmt);
  }
  return zoned_formats.get(key);
}

// A wall-clock time in `zone`, naming the zone ("10:00 AM EDT"); the day is added
// when it is not today in that zone.
export function fmt_zoned_time(ms, zone, now = Date.now()) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  const day = (x) => zoned_format(zone, true).formatToParts(x).filter((p) => p.type === 'month' || p.type === 'day').map((p) => p.value).join(' ');
  return zoned_format(zone, day(ms) !== day(now)).format(ms);
}

// The short name of a zone at a moment ("EDT", "GMT+9").
export function zone_abbreviation(zone, ms = Date.now()) {
  const part = zoned_format(zone, false).formatToParts(ms).find((p) => p.type === 'timeZoneName');
  return part ? part.value : zone;
}

// "3 min ago", "now", "yesterday" in the viewer's language.
export function fmt_relative(ms, now = Date.now()) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  const diff_s = Math.round((ms - now) / 1000);
  const abs = Math.abs(diff_s);
  if (abs < 45) return relative_fmt.format(0, 'second');
  if (abs < 3600) return relative_fmt.format(Math.round(diff_s / 60), 'minute');
  if (abs < 86400) return relative_fmt.format(Math.round(diff_s / 3600), 'hour');
  return relative_fmt.format(Math.round(diff_s / 86400), 'day');
}

const date_fmt = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' });
const year_date_fmt = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric' });

// The age of a post or question: relative within a day ("3 min ago"), a date beyond
// ("Apr 22"), since "583 days ago" says less than the date does.
export function fmt_age(ms, now = Date.now()) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (Math.abs(now - ms) < 86400 * 1000) return fmt_relative(ms, now);
  return new Date(ms).getFullYear() === new Date(now).getFullYear() ? date_fmt.format(ms) : year_date_fmt.format(ms);
}

// A compact moment for tight spots (the phone's top bar): the time when it is
// today, else just the date.
export function fmt_when_short(ms, now = Date.now()) {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (same_local_day(ms, now)) return clock_fmt.format(ms);
  return new Date(ms).getFullYear() === new Date(now).getFullYear() ? date_fmt.format(ms) : year_date_fmt.format(ms);
}

// Elapsed time as m:ss, or h:mm:ss past an hour. Digits are kept ASCII for a steady width.
export function fmt_duration(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

// A delay such as a feed's lag: tenths of a second while short, m:ss once long.
const seconds_fmt = new Intl.NumberFormat(locale, { style: 'unit', unit: 'second', unitDisplay: 'short', maximumFractionDigits: 1 });
export function fmt_lag(ms) {
  const value = Math.max(0, ms);
  if (value >= 120000) return fmt_duration(value);
  return seconds_fmt.format(value < 10000 ? Math.round(value / 100) / 10 : Math.round(value / 1000));
}

export function fmt_number(n) {
  return number_fmt.format(Number(n) || 0);
}

// Code points, which is what the server counts for the 280-character limit.
export function char_count(text) {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function kind_label(kind) {
  const key = `kind_${kind}`;
  const v = t(key);
  return v === key ? String(kind || '') : v;
}

// "Kind: title" for a segment, without repeating the kind when the title
// already starts with it ("Panel: NATO and ..." stays as it is).
export function segment_label(seg) {
  const kind = kind_label(seg.kind);
  const title = seg.title || '';
  // Titles are written in the event's language, so compare with the kind's id too
  // ("Panel: ..." under a Japanese UI is not prefixed with "パネル").
  const lower = title.toLowerCase();
  if (!kind || lower.startsWith(kind.toLowerCase()) || (seg.kind && lower.startsWith(String(seg.kind).toLowerCase()))) {
    return title || kind;
  }
  return `${kind}: ${title}`;
}

// A handle as shown beside a name: always with one leading "@".
export function handle_text(handle) {
  if (!handle) return '';
  return handle.startsWith('@') ? handle : `@${handle}`;
}

// A few words of an item's text, for status lines.
export function short(text, words = 6) {
  const parts = String(text || '').trim().split(/\s+/);
  return parts.length > words ? `${parts.slice(0, words).join(' ')}…` : parts.join(' ');
}

export function network_label(source) {
  const key = `network_${source}`;
  const v = t(key);
  return v === key ? String(source || '') : v;
}

// Fills the fixed strings of a page: data-i18n (text), data-i18n-placeholder,
// data-i18n-label (aria-label), data-i18n-empty (data-empty, what CSS shows in an empty list).
export function translate_page(root = document) {
  document.documentElement.lang = lang;
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of root.querySelectorAll('[data-i18n-placeholder]')) {
    node.setAttribute('placeholder', t(node.dataset.i18nPlaceholder));
  }
  for (const node of root.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  for (const node of root.querySelectorAll('[data-i18n-empty]')) node.dataset.empty = t(node.dataset.i18nEmpty);
}
