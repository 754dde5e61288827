#!/usr/bin/env python3
"""Fills a Dateline SQLite store (demo content loaded) with N synthetic
published articles for the search benchmark, and writes query lists.

Words are drawn from the demo stories' own text with a Zipf-like skew, so
term frequencies look like news: a few words in most stories, most words
in few. 70 % of the articles go to the English edition, 30 % to the
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
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(words))]
    return words, weights


vocab = {lang: vocabulary(lang) for lang in ("en", "ru")}
db = sqlite3.connect(db_path)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = OFF")
editions = dict(db.execute("SELECT code, id FROM editions").fetchall())
sections = {e: [r[0] for r in db.execute("SELECT id FROM sections WHERE edition_id = ?", (i,))] for e, i in editions.items()}
tags = {e: [r[0] for r in db.execute("SELECT id FROM tags WHERE edition_id = ?", (i,))] for e, i in editions.items()}
authors = {e: [r[0] for r in db.execute("SELECT id FROM authors WHERE edition_id = ?", (i,))] for e, i in editions.items()}
now = int(time.time())


def words(lang, n):
    chosen = random.choices(vocab[lang][0], weights=vocab[lang][1], k=n)
    return " ".join(chosen)


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


started = time.time()
batch = []
for n in range(count):
    lang = "en" if random.random() < 0.7 else "ru"
    headline = words(lang, random.randint(6, 12)).capitalize()
    lead = words(lang, random.randint(20, 35)).capitalize() + "."
    paragraphs = [words(lang, random.randint(40, 80)).capitalize() + "." for _ in range(random.randint(3, 6))]
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
db.execute("DELETE FROM article_changes")
db.commit()
print(f"generated {count} articles in {time.time() - started:.0f} s", file=sys.stderr)

# Queries: 1–3 words from the 3,000 most frequent (common and rarer words
# mixed, as readers type), URL-encoded, one per line.
out_dir.mkdir(parents=True, exist_ok=True)
from urllib.parse import quote
for lang in ("en", "ru"):
    top = vocab[lang][0][:3000]
    with open(out_dir / f"queries-{lang}.txt", "w") as f:
        for _ in range(1000):
            f.write(quote(" ".join(random.sample(top[:300] if random.random() < 0.3 else top, k=random.randint(1, 3)))) + "\n")
