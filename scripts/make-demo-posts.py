#!/usr/bin/env python3
"""Writes events/nato-indo-pacific-2024.posts.ndjson: a deterministic demo corpus of
social posts about the USIP discussion "NATO and its Indo-Pacific partners" (22 April
2024, 14:00-15:30 UTC), for replaying through the hashtag tracker.

Lines mix three wire formats: Bluesky Jetstream frames (with identity frames so DIDs
get handles), Mastodon streaming frames (payload is a JSON string, content is HTML)
and the project's generic post format. Most posts carry #Road2NATO or #NATOSummit
(as facets, typed, in record.tags, or full-width); some are replies, reposts,
copy-paste spam, link farms, deletions, cross-posted duplicates or off-topic.
Every handle and account is fictional. Standard library only; same output every run.

Usage: scripts/make-demo-posts.py [--out PATH] [--seed N]
"""

import argparse
import datetime as dt
import html
import json
import os
import random

START = dt.datetime(2024, 4, 22, 14, 0, 0, tzinfo=dt.timezone.utc)
EVENT_TAGS = ["Road2NATO", "NATOSummit"]

# (segment, first minute, last minute) of the planned run of show.
SEGMENTS = [("opening", 0, 5), ("keynote", 5, 25), ("panel", 25, 70), ("qa", 70, 85), ("closing", 85, 90)]

TEXTS = {
    "en": {
        "opening": [
            "Lise Grande opening the discussion: Indo-Pacific partners matter for Euro-Atlantic security",
            "Starting now at USIP: NATO and its Indo-Pacific partners",
            "Grande frames it well: deterrence in Europe and Asia is now one conversation",
            "Tuned in for the USIP event on NATO and the Indo-Pacific. Full house by the look of it",
            "Opening remarks stress how Russia's war changed partners' thinking in Tokyo, Seoul, Canberra and Wellington",
        ],
        "keynote": [
            "Kurt Campbell: the partnership with Japan, South Korea, Australia and New Zealand is no longer optional",
            "Campbell says cooperation between allies in Europe and the Indo-Pacific is a structural shift, not a phase",
            "Deputy Secretary Campbell on interoperability: practical steps matter more than communiques",
            "Campbell: the return of strategic competition links the two theatres",
            "Keynote point worth noting: information exchange with IP4 partners has grown quickly",
            "Campbell expects the July summit in Washington to deepen work with the Indo-Pacific four",
            "Strong keynote. The emphasis on defence industrial cooperation stood out",
        ],
        "panel": [
            "Stephen Hadley moderating a strong panel: Jones, Laskowski, Manza and Galic",
            "Douglas Jones on how European allies see the Indo-Pacific partners",
            "Ellison Laskowski: partners in the Indo-Pacific bring real capabilities, not just symbolism",
            "John Manza on operations: partners already train and exercise with NATO forces",
            "Mirna Galic presenting the study group findings on partner perspectives",
            "Galic: each of the four partners wants something different from NATO",
            "Hadley asks whether a NATO liaison office in Tokyo is still on the table",
            "Manza makes a good point about cyber defence as the easiest area to cooperate",
            "Laskowski on South Korea: a capable partner with its own priorities",
            "Jones: the summit will show how far the partnership has come since Madrid and Vilnius",
            "The study group report is worth reading before July https://www.usip.org/publications",
            "Interesting exchange on whether China should be named in summit language",
            "Panel agrees interoperability and standards are the practical core",
            "Good discussion of New Zealand's cautious approach",
        ],
        "qa": [
            "Question from the audience on Taiwan contingencies. Careful answers from the panel",
            "Q&A: how does information sharing with partners actually work in practice?",
            "Someone asked about AUKUS and how it fits with NATO partnerships",
            "Audience question on public opinion in Japan and Korea about NATO ties",
        ],
        "closing": [
            "Wrapping up. Clear message: Euro-Atlantic and Indo-Pacific security are linked",
            "Thanks USIP for a substantive event ahead of the Washington summit",
            "Great session. Now reading the study group report",
        ],
    },
    "ja": {
        "opening": ["USIPのNATOとインド太平洋パートナーに関する議論が始まりました", "開会の挨拶、欧州とアジアの安全保障は一体という話"],
        "keynote": ["キャンベル国務副長官の基調講演を視聴中", "日本、韓国、豪州、NZとのパートナーシップはもはや選択肢ではない、とのこと"],
        "panel": ["パネルで東京のNATO連絡事務所の話が出た", "相互運用性が繰り返し強調されている", "日本の視点がよく議論されている"],
        "qa": ["質疑応答で台湾についての質問", "情報共有の実際について質問が出ました"],
        "closing": ["7月のワシントン首脳会議に向けて良い議論でした"],
    },
    "ko": {
        "opening": ["USIP에서 NATO와 인도태평양 파트너 토론이 시작되었습니다"],
        "keynote": ["캠벨 부장관: 한국, 일본, 호주, 뉴질랜드와의 협력은 선택이 아니다", "기조연설 인상적입니다"],
        "panel": ["한국의 역할에 대한 질문이 많네요", "라스코프스키: 한국은 자체 우선순위를 가진 유능한 파트너", "패널 토론이 좋습니다"],
        "qa": ["청중 질문: 한국과 일본의 여론은?"],
        "closing": ["워싱턴 정상회의 전에 좋은 토론이었습니다"],
    },
    "fr": {
        "opening": ["Début de la discussion à l'USIP sur l'OTAN et ses partenaires indo-pacifiques"],
        "keynote": ["Kurt Campbell : le partenariat avec le Japon, la Corée, l'Australie et la Nouvelle-Zélande n'est plus optionnel"],
        "panel": ["Le panel insiste sur l'interopérabilité", "Mirna Galic présente les conclusions du groupe d'étude"],
        "qa": ["Question du public sur l'AUKUS"],
        "closing": ["Débat utile avant le sommet de Washington"],
    },
    "de": {
        "opening": ["Die Diskussion beim USIP über die NATO und ihre Indopazifik-Partner beginnt"],
        "keynote": ["Campbell: Die Partnerschaft mit Japan, Südkorea, Australien und Neuseeland ist nicht mehr optional"],
        "panel": ["Manza zu Einsätzen: Partner üben bereits mit NATO-Kräften", "Gute Debatte über ein Verbindungsbüro in Tokio"],
        "qa": ["Publikumsfrage zur öffentlichen Meinung in Japan"],
        "closing": ["Starke Veranstaltung vor dem Gipfel in Washington"],
    },
}

# Framing people add around a point, so that no two honest posts read the same.
PREFIXES = {
    "en": ["", "", "Now: ", "Notes: ", "Key line: ", "Worth hearing: ", "Listening in. ", "Big point: ", "Agreed. ",
           "Hmm. ", "From the livestream: ", "Quick take: "],
    "ja": ["", "", "速報: ", "メモ: ", "なるほど。", "視聴中: "],
    "ko": ["", "", "메모: ", "생중계 중: ", "좋은 지적. "],
    "fr": ["", "", "En direct : ", "À retenir : ", "Note : "],
    "de": ["", "", "Live: ", "Notiz: ", "Wichtig: "],
}
SUFFIXES = {
    "en": ["", "", "", ".", "!", " - thoughts?", " - more later", ". Important for Canberra too", ". Tokyo will like this",
           ". Seoul is listening", ". Wellington take in a thread", " \U0001F440", " \U0001F30F", ". Well said",
           ". Not everyone will agree", ". Good framing"],
    "ja": ["", "。", "！", "。興味深い", "。日本にとって重要", " \U0001F440"],
    "ko": ["", ".", "!", ". 흥미롭네요", ". 한국에 중요한 이야기"],
    "fr": ["", ".", " !", ". À suivre", ". Point important"],
    "de": ["", ".", "!", ". Spannend", ". Wichtiger Punkt"],
}

OFF_TOPIC = [
    ("en", "Does anyone know if the recording will be posted? #NATOSummit2024"),
    ("en", "Lunch in Foggy Bottom before the event #DC"),
    ("en", "Great panel so far"),
    ("de", "Wer schaut heute noch den Livestream? #NATO"),
    ("en", "Reading about the summit logistics #NATOSummitDC"),
]

SPAM_TEXT = "Claim your free NATO summit tokens now!!! https://airdrop.example.com/claim #Road2NATO #NATOSummit"
LINK_FARM = ("Best coverage here https://news1.example.com https://news2.example.com https://news3.example.com "
             "https://news4.example.com #NATOSummit")
ROUGH = [
    "This panel is a joke and so are the people watching it #NATOSummit",
    "Total waste of time, nobody cares about this #Road2NATO",
]

DID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def ms(t):
    return int(t.timestamp() * 1000)


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def compact(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


class Authors:
    """A fixed cast of fictional accounts on each network."""

    def __init__(self, rng):
        self.rng = rng
        names = ["policywatcher", "indopacific-notes", "tokyo-desk", "seoul-analyst", "kiwi-strategy", "canberra-view",
                 "alliance-reader", "brussels-brief", "harbour-bridge", "think-deterrence", "map-and-compass",
                 "deskofficer", "grad-student-ir", "fieldnotes", "sakura-policy", "hanok-watch", "bonn-beobachter",
                 "paris-defense", "atlantic-ties", "pacific-ledger", "quiet-diplomat", "summit-tracker",
                 "open-source-intel", "wellington-wire", "livestream-fan", "coffee-and-geopolitics"]
        self.bluesky = []
        for i, name in enumerate(names):
            did = "did:plc:" + "".join(rng.choice(DID_ALPHABET) for _ in range(24))
            # A few accounts never send an identity frame: the wall shows their DID.
            handle = f"{name}.bsky.social" if i % 9 != 8 else None
            self.bluesky.append((did, handle))
        instances = ["social.example", "fedi.example.org", "mstdn.example.jp", "toot.example.kr", "masto.example.de"]
        masto_names = ["alice", "bob", "chen", "dara", "emi", "felix", "gina", "hiro", "ines", "jun", "kai", "lena",
                       "mika", "noor", "olaf", "pia"]
        self.mastodon = []
        for i, name in enumerate(masto_names):
            instance = instances[i % len(instances)]
            self.mastodon.append({"id": str(110000000000000000 + i * 7919), "username": name,
                                  "acct": f"{name}@{instance}", "display_name": name.capitalize(),
                                  "url": f"https://{instance}/@{name}"})
        self.generic = [{"id": f"u{400 + i}", "handle": h, "display_name": d} for i, (h, d) in enumerate([
            ("thinktank_dc", "Think Tank DC"), ("canberra_obs", "Canberra Observer"), ("seoul_policy", "Seoul Policy"),
            ("eurodesk", "Euro Desk"), ("nz_foreign_watch", "NZ Foreign Watch"), ("ir_podcast", "IR Podcast"),
            ("defense_daily_fan", "Defense Daily Fan"), ("student_ir_club", "Student IR Club")])]
        self.spammers = [("did:plc:spam" + "".join(rng.choice(DID_ALPHABET) for _ in range(20)), f"promo{i}.bsky.social")
                         for i in range(4)]


class Corpus:
    def __init__(self, rng):
        self.rng = rng
        self.lines = []  # (time, order, line)
        self.rkey_counter = 0
        self.mastodon_counter = 0
        self.bluesky_posts = []  # (did, rkey, time)
        self.mastodon_posts = []  # (status id, status, time)

    def add(self, t, obj):
        self.lines.append((t, len(self.lines), compact(obj)))

    def next_rkey(self):
        self.rkey_counter += 1
        return "3kqdemo" + "".join(DID_ALPHABET[(self.rkey_counter * 7 + k * 13) % 32] for k in range(6)) + \
               f"{self.rkey_counter:03d}"

    # --- Jetstream -----------------------------------------------------------------
    def identity(self, t, did, handle):
        us = ms(t) * 1000 + self.rng.randrange(1000)
        self.add(t, {"did": did, "time_us": us, "kind": "identity",
                     "identity": {"did": did, "handle": handle, "seq": us // 1000, "time": iso(t)}})

    def bluesky_post(self, t, did, text, lang, tag_mode="facet", reply_to=None, extra_tags=()):
        rkey = self.next_rkey()
        record = {"$type": "app.bsky.feed.post", "createdAt": iso(t), "langs": [lang]}
        tags = [w[1:] for w in text.split() if w.startswith("#")]
        facets = []
        body = text.encode("utf-8")
        if tag_mode == "facet":
            pos = 0
            for tag in tags:
                needle = ("#" + tag).encode("utf-8")
                start = body.find(needle, pos)
                facets.append({"$type": "app.bsky.richtext.facet",
                               "index": {"byteStart": start, "byteEnd": start + len(needle)},
                               "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": tag}]})
                pos = start + len(needle)
        for word in text.split():
            if word.startswith("https://"):
                start = body.find(word.encode("utf-8"))
                facets.append({"$type": "app.bsky.richtext.facet",
                               "index": {"byteStart": start, "byteEnd": start + len(word.encode("utf-8"))},
                               "features": [{"$type": "app.bsky.richtext.facet#link", "uri": word}]})
        record["text"] = text
        if facets:
            record["facets"] = facets
        if extra_tags:
            record["tags"] = list(extra_tags)
        if reply_to is not None:
            parent_did, parent_rkey, _ = reply_to
            ref = {"cid": "bafyrei" + "r" * 52, "uri": f"at://{parent_did}/app.bsky.feed.post/{parent_rkey}"}
            record["reply"] = {"parent": ref, "root": ref}
        self.add(t, {"did": did, "time_us": ms(t) * 1000 + self.rng.randrange(1000), "kind": "commit",
                     "commit": {"rev": rkey, "operation": "create", "collection": "app.bsky.feed.post", "rkey": rkey,
                                "record": record, "cid": "bafyrei" + rkey.ljust(52, "a")}})
        self.bluesky_posts.append((did, rkey, t))
        return (did, rkey, t)

    def bluesky_delete(self, t, post):
        did, rkey, _ = post
        self.add(t, {"did": did, "time_us": ms(t) * 1000 + self.rng.randrange(1000), "kind": "commit",
                     "commit": {"rev": self.next_rkey(), "operation": "delete", "collection": "app.bsky.feed.post",
                                "rkey": rkey}})

    # --- Mastodon ------------------------------------------------------------------
    def status(self, t, account, text, lang, reply_to_id=None, reblog=None):
        self.mastodon_counter += 1
        sid = str(112300000000000000 + ms(t) % 100000000 * 100 + self.mastodon_counter)
        host = account["url"].split("/")[2]
        parts = []
        for word in text.split(" "):
            if word.startswith("#"):
                tag = word[1:]
                parts.append(f'<a href="https://{host}/tags/{tag.lower()}" class="mention hashtag" rel="tag">'
                             f'#<span>{html.escape(tag)}</span></a>')
            elif word.startswith("https://"):
                rest = word[len("https://"):]
                parts.append(f'<a href="{html.escape(word)}" target="_blank" rel="nofollow noopener noreferrer">'
                             f'<span class="invisible">https://</span><span class="">{html.escape(rest)}</span></a>')
            else:
                parts.append(html.escape(word))
        content = "<p>" + " ".join(parts) + "</p>"
        tags = [{"name": w[1:].lower(), "url": f"https://{host}/tags/{w[1:].lower()}"}
                for w in text.split() if w.startswith("#")]
        status = {"id": sid, "created_at": iso(t), "in_reply_to_id": reply_to_id, "in_reply_to_account_id": None,
                  "sensitive": False, "spoiler_text": "", "visibility": "public", "language": lang,
                  "uri": f"https://{host}/users/{account['username']}/statuses/{sid}",
                  "url": f"https://{host}/@{account['username']}/{sid}", "replies_count": 0, "reblogs_count": 0,
                  "favourites_count": 0, "edited_at": None, "content": "" if reblog else content,
                  "reblog": reblog, "account": {**account, "locked": False, "bot": False},
                  "media_attachments": [], "mentions": [], "emojis": [], "card": None, "poll": None,
                  "tags": [] if reblog else tags}
        return sid, status

    def mastodon_update(self, t, account, text, lang, reply_to_id=None):
        sid, status = self.status(t, account, text, lang, reply_to_id)
        stream = ["hashtag", "road2nato" if "road2nato" in text.lower() else "natosummit"]
        self.add(t, {"stream": stream, "event": "update", "payload": compact(status)})
        self.mastodon_posts.append((sid, status, t))
        return sid

    def mastodon_boost(self, t, account, original):
        _, status = self.status(t, account, "", original["language"], reblog=original)
        self.add(t, {"stream": ["hashtag", "natosummit"], "event": "update", "payload": compact(status)})

    def mastodon_delete(self, t, sid):
        self.add(t, {"stream": ["hashtag", "road2nato"], "event": "delete", "payload": sid})

    # --- generic -------------------------------------------------------------------
    def generic_post(self, t, author, text, lang, reply=False, native_id=None):
        native_id = native_id or str(1782350000000000000 + len(self.lines))
        self.add(t, {"id": native_id, "source": "webhook", "url": f"https://x.com/{author['handle']}/status/{native_id}",
                     "author": author, "text": text, "tags": [], "lang": lang, "created_at": iso(t),
                     "reply": reply})


def tagged(rng, text, lang):
    """Appends event hashtags the way people type them."""
    roll = rng.random()
    if roll < 0.45:
        tags = ["#Road2NATO"]
    elif roll < 0.8:
        tags = ["#NATOSummit"]
    else:
        tags = ["#NATOSummit", "#Road2NATO"]
    if lang == "ja" and rng.random() < 0.4:
        tags = ["＃ＮＡＴＯＳｕｍｍｉｔ" if t == "#NATOSummit" else t for t in tags]
    if rng.random() < 0.12:
        tags = [t.lower() for t in tags]
    return text + " " + " ".join(tags)


def build(seed):
    rng = random.Random(seed)
    authors = Authors(rng)
    corpus = Corpus(rng)

    # Identity frames arrive as accounts become active, a little before the event.
    for i, (did, handle) in enumerate(authors.bluesky):
        if handle:
            corpus.identity(START - dt.timedelta(seconds=120 - i * 3), did, handle)
    for i, (did, handle) in enumerate(authors.spammers):
        corpus.identity(START + dt.timedelta(minutes=40, seconds=i), did, handle)

    languages = ["en"] * 14 + ["ja"] * 3 + ["ko"] * 2 + ["fr"] + ["de"]
    target_posts = 360
    used = set()
    for n in range(target_posts):
        minute = rng.triangular(0, 90, 40)
        t = START + dt.timedelta(seconds=minute * 60 + rng.random())
        segment = next(name for name, a, b in SEGMENTS if a <= minute < b) if minute < 90 else "closing"
        lang = rng.choice(languages)
        for _ in range(100):
            text = tagged(rng, rng.choice(PREFIXES[lang]) + rng.choice(TEXTS[lang][segment]) +
                          rng.choice(SUFFIXES[lang]), lang)
            if text not in used:
                break
        used.add(text)
        network = rng.random()
        if network < 0.5:
            did, _ = rng.choice(authors.bluesky)
            mode = rng.choices(["facet", "typed", "tags"], weights=[7, 2, 1])[0]
            reply_to = None
            if corpus.bluesky_posts and rng.random() < 0.12:
                reply_to = rng.choice(corpus.bluesky_posts[-20:])
            if mode == "tags":
                # Tags only in record.tags, not in the text.
                words = [w for w in text.split() if not (w.startswith("#") or w.startswith("＃"))]
                tags = [w.lstrip("#＃") for w in text.split() if w.startswith("#") or w.startswith("＃")]
                corpus.bluesky_post(t, did, " ".join(words), lang, "tags", reply_to, tags)
            else:
                corpus.bluesky_post(t, did, text, lang, mode, reply_to)
        elif network < 0.8:
            account = rng.choice(authors.mastodon)
            reply_id = None
            if corpus.mastodon_posts and rng.random() < 0.1:
                reply_id = rng.choice(corpus.mastodon_posts[-10:])[0]
            corpus.mastodon_update(t, account, text, lang, reply_id)
        else:
            author = rng.choice(authors.generic)
            corpus.generic_post(t, author, text, lang, reply=rng.random() < 0.08)

    # Off-topic posts that mention near-miss tags or none: the tracker drops these.
    for i, (lang, text) in enumerate(OFF_TOPIC * 2):
        t = START + dt.timedelta(minutes=3 + i * 8, seconds=17)
        did, _ = authors.bluesky[(i * 5) % len(authors.bluesky)]
        corpus.bluesky_post(t, did, text, lang, "facet" if "#" in text else "typed")

    # Copy-paste spam from four fresh accounts within four minutes: the third is flagged.
    for i, (did, _) in enumerate(authors.spammers):
        corpus.bluesky_post(START + dt.timedelta(minutes=41 + i, seconds=5), did, SPAM_TEXT, "en", "facet")
    corpus.generic_post(START + dt.timedelta(minutes=46, seconds=30),
                        {"id": "u999", "handle": "airdrop_bot", "display_name": "Airdrop"}, SPAM_TEXT, "en")
    # A link farm (over max_links) and rough posts a moderator should reject.
    corpus.bluesky_post(START + dt.timedelta(minutes=52, seconds=40), authors.spammers[0][0], LINK_FARM, "en", "facet")
    for i, text in enumerate(ROUGH):
        corpus.mastodon_update(START + dt.timedelta(minutes=58 + i * 9), authors.mastodon[-1 - i], text, "en")

    # One eager live-poster: seven posts in one minute, over the per-author limit.
    did, _ = authors.bluesky[0]
    for i in range(7):
        corpus.bluesky_post(START + dt.timedelta(minutes=30, seconds=4 + i * 7), did,
                            f"Live notes {i + 1}/7: Galic on partner perspectives, point {i + 1} #Road2NATO", "en")

    # The same post cross-posted through the webhook in the same minute: a duplicate.
    for k in (12, 63):
        did, handle = authors.bluesky[1]
        t = START + dt.timedelta(minutes=k, seconds=10)
        text = "Cross-posting my notes: partners want practical cooperation, not declarations #Road2NATO"
        corpus.bluesky_post(t, did, text, "en", "facet")
        corpus.generic_post(t + dt.timedelta(seconds=20),
                            {"id": did, "handle": handle, "display_name": "Indo-Pacific Notes"}, text, "en")

    # Boosts of statuses already shown: duplicates of them.
    for i in range(4):
        sid, status, t = corpus.mastodon_posts[10 + i * 17]
        corpus.mastodon_boost(t + dt.timedelta(minutes=3), authors.mastodon[(i * 3 + 1) % len(authors.mastodon)],
                              status)

    # Boosts of statuses from outside the hashtag stream: the event drops reposts.
    for i in range(2):
        t = START + dt.timedelta(minutes=33 + i * 20, seconds=45)
        _, original = corpus.status(t - dt.timedelta(minutes=30), authors.mastodon[i + 2],
                                    "Background reading before today's panel #NATOSummit", "en")
        corpus.mastodon_boost(t, authors.mastodon[i + 6], original)

    # A few authors delete posts a little later.
    for i in range(4):
        post = corpus.bluesky_posts[20 + i * 31]
        corpus.bluesky_delete(post[2] + dt.timedelta(minutes=2, seconds=11), post)
    for i in range(2):
        sid, _, t = corpus.mastodon_posts[5 + i * 23]
        corpus.mastodon_delete(t + dt.timedelta(minutes=4), sid)

    corpus.lines.sort()
    return [line for _, _, line in corpus.lines]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.join(here, "..", "events", "nato-indo-pacific-2024.posts.ndjson")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=default_out)
    parser.add_argument("--seed", type=int, default=20240422)
    args = parser.parse_args()
    lines = build(args.seed)
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        for line in lines:
            f.write(line + "\n")
    print(f"wrote {len(lines)} lines to {os.path.normpath(args.out)}")


if __name__ == "__main__":
    main()
