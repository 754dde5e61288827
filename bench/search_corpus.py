#!/usr/bin/env python3
"""Fills a Dateline SQLite store (demo content loaded) with N synthetic
published articles for the search benchmark, and writes query lists.

Words are drawn from the demo stories' own text with a Zipf-like skew, so
term frequencies look like news: a few words in most stories, most words
in few. That vocabulary is small (a few thousand words), so every story
also names people and places from 60,000 made-up names per language, again
Zipf-skewed: the long tail of a real archive, and what readers mostly
search for. 70 % of the articles go to the English edition, 30 % to the
Russian one; each has 1–3 of the edition's tags, one author, a section,
and a date within the last three years.

    search_corpus.py DB COUNT QUERIES_DIR
"""
import random
import re
import sqlite3
import sys
import time
import tomllib
from pathlib import Path

db_path, count, out_dir = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
random.seed(20261129)
content = tomllib.loads((Path(__file__).parent.parent / "crates/dateline/src/demo/content.toml").read_text())
texts = {"en": [], "ru": []}
for story in content["stories"]:
    for lang in ("en", "ru"):
        part = story.get(lang, {})
        texts[lang].append(" ".join([part.get("headline", ""), part.get("lead", ""), part.get("body", "")]))


def vocabulary(lang):
    counts = {}
    for text in texts[lang]:
        for word in re.findall(r"\w+", text.lower()):
            if not word.isdigit():
                counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: -counts[w])
    return words, cumulative([1.0 / (rank + 1) ** 0.9 for rank in range(len(words))])


def cumulative(weights):
    """Cumulative weights, computed once (random.choices would redo it per call)."""
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


vocab = {lang: vocabulary(lang) for lang in ("en", "ru")}
SYLLABLES = {
    "en": ["ka", "lo", "mar", "ten", "vi", "ros", "an", "del", "bri", "go", "sun", "ter", "ha", "mi", "dor",
           "el", "quin", "ba", "ri", "tos", "lan", "we", "cor", "ny", "pe", "sal", "fin", "ox", "ju", "ber"],
    "ru": ["ка", "ло", "мар", "тен", "ви", "рос", "ан", "дел", "бри", "го", "сун", "тер", "ха", "ми", "дор",
           "ель", "квин", "ба", "ри", "тос", "лан", "ве", "кор", "ны", "пе", "саль", "фин", "окс", "ю", "бер"],
}


def made_up_names(lang, count):
    seen, names = set(), []
    while len(names) < count:
        name = "".join(random.choices(SYLLABLES[lang], k=random.randint(2, 4))).capitalize()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names, cumulative([1.0 / (rank + 1) for rank in range(count)])


names = {lang: made_up_names(lang, 60_000) for lang in ("en", "ru")}
if count == 0:
    # Only the query lists, for a corpus made earlier: the names and words
    # above come out the same for the same seed. The database is not opened.
    db = None
    editions, sections, tags, authors = {}, {}, {}, {}
else:
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    editions = dict(db.execute("SELECT code, id FROM editions").fetchall())
    sections = {e: [r[0] for r in db.execute("SELECT id FROM sections WHERE edition_id = ?", (i,))] for e, i in editions.items()}
    tags = {e: [r[0] for r in db.execute("SELECT id FROM tags WHERE edition_id = ?", (i,))] for e, i in editions.items()}
    authors = {e: [r[0] for r in db.execute("SELECT id FROM authors WHERE edition_id = ?", (i,))] for e, i in editions.items()}
now = int(time.time())


def words(lang, n, named=2):
    chosen = random.choices(vocab[lang][0], cum_weights=vocab[lang][1], k=n)
    for name in random.choices(names[lang][0], cum_weights=names[lang][1], k=named):
        chosen.insert(random.randrange(len(chosen) + 1), name)
    return " ".join(chosen)


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


started = time.time()
batch = []
for n in range(count):
    lang = "en" if random.random() < 0.7 else "ru"
    headline = words(lang, random.randint(5, 10), 1)
    headline = headline[0].upper() + headline[1:]
    lead = words(lang, random.randint(20, 35), 2).capitalize() + "."
    paragraphs = [words(lang, random.randint(40, 80), 3) + "." for _ in range(random.randint(3, 6))]
    published = now - random.randint(0, 3 * 365 * 86400)
    batch.append((lang, (editions[lang], random.choice(sections[lang]), f"bench-{n}", headline, lead, "PLACE",
                         "\n\n".join(paragraphs), iso(published), iso(published), iso(published))))
    if len(batch) == 2000 or n == count - 1:
        with db:
            for lang, row in batch:
                cur = db.execute(
                    "INSERT INTO articles (edition_id, section_id, slug, headline, lead, dateline_place, body, status, "
                    "published_at, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'published', ?, ?, ?)", row)
                article = cur.lastrowid
                for position, tag in enumerate(random.sample(tags[lang], k=min(len(tags[lang]), random.randint(1, 3)))):
                    db.execute("INSERT INTO article_tags (article_id, tag_id, position) VALUES (?, ?, ?)",
                               (article, tag, position))
                db.execute("INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, 0)",
                           (article, random.choice(authors[lang])))
        batch = []
if db is not None:
    db.execute("DELETE FROM article_changes")
    db.commit()
print(f"generated {count} articles in {time.time() - started:.0f} s", file=sys.stderr)

# Queries, URL-encoded, one per line:
# - typical: 1–3 words, each a name (60 %, popular names more often, as the
#   news goes) or one of the 3,000 most frequent words (40 %);
# - common: 1–3 of the 300 most frequent words, the worst case (tens of
#   thousands of matches to score and count).
out_dir.mkdir(parents=True, exist_ok=True)
from urllib.parse import quote


def typical_word(lang):
    if random.random() < 0.6:
        return random.choices(names[lang][0], cum_weights=names[lang][1], k=1)[0]
    return random.choice(vocab[lang][0][:3000])


for lang in ("en", "ru"):
    with open(out_dir / f"queries-{lang}.txt", "w") as f:
        for _ in range(1000):
            f.write(quote(" ".join(typical_word(lang) for _ in range(random.randint(1, 3)))) + "\n")
    with open(out_dir / f"common-{lang}.txt", "w") as f:
        for _ in range(1000):
            f.write(quote(" ".join(random.sample(vocab[lang][0][:300], k=random.randint(1, 3)))) + "\n")
    # A reader population's stream: 100,000 searches drawn the same way,
    # so a query repeats only as often as its words are popular (for the
    # run with the answer cache on; wrk draws from the list at random).
    with open(out_dir / f"stream-{lang}.txt", "w") as f:
        for _ in range(100_000):
            f.write(quote(" ".join(typical_word(lang) for _ in range(random.randint(1, 3)))) + "\n")
