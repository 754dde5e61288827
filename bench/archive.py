#!/usr/bin/env python3
"""Fills a running Dateline with an archive: N published stories through
the API, as a wire desk or an importer would write them, spread over the
last years (`published_at`), each with a section, three tags from a pool
of 300 and a byline. Only loopback; stops by itself.

    bench/archive.py --url http://127.0.0.1:18080 --token dlt_… --count 6000

Prints the ids' range and the rate. The pages the benchmarks then ask for
(`--paths FILE`) are written one per line: every story's public path;
`--ids FILE` keeps each story's id and number for the editor below.

An editor at work (`--edit-every SECONDS --for SECONDS --ids FILE`): saves
a random story of the file again, with a changed lead, every interval,
until the time is up (a published story edited in place); with `--publish`,
publishes a new story each interval instead.

    bench/archive.py --url … --token … --ids ids.txt --edit-every 1 --for 20
"""

import argparse
import concurrent.futures
import json
import random
import sys
import time
import urllib.error
import urllib.request

SECTIONS = ["world", "politics", "business", "science", "sport", "culture"]
AUTHORS = ["elena-varga", "marcus-okafor", "david-haruna", "ines-moreau", "kenji-arakawa"]
PLACES = ["LONDON", "NAIROBI", "LIMA", "OSLO", "HANOI", "QUITO", "DAKAR", "TBILISI", "PERTH", "LYON"]
WORDS = (
    "harbour council budget storm vote minister river grain treaty court strike summit vaccine rail "
    "drought league festival border census satellite tariff museum glacier bond election port market"
).split()


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def story(number: int, rng: random.Random, now: float, years: float) -> dict:
    published = now - rng.random() * years * 365 * 86400
    return {
        "edition": "en",
        "section": rng.choice(SECTIONS),
        "headline": f"{sentence(rng, 6)[:-1]} ({number})",
        "lead": sentence(rng, 24),
        "dateline_place": rng.choice(PLACES),
        "dateline_agency": "Dateline",
        "body": "\n\n".join(sentence(rng, 40) for _ in range(6)),
        "tags": [f"topic {rng.randrange(300)}" for _ in range(3)],
        "authors": [rng.choice(AUTHORS)],
        "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(published)),
    }


def call(url: str, token: str, method: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(
        url + path,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    for attempt in range(5):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            if error.code in (409, 429, 503) and attempt < 4:
                time.sleep(0.2 * (attempt + 1))
                continue
            raise SystemExit(f"{method} {path}: {error.code} {error.read()[:300]!r}")
    raise SystemExit(f"{method} {path}: gave up")


def publish(url: str, token: str, number: int, seed: int, now: float, years: float) -> tuple[str, int]:
    rng = random.Random(seed * 1_000_003 + number)
    saved = call(url, token, "POST", "/api/v1/articles", story(number, rng, now, years))
    done = call(url, token, "POST", f"/api/v1/articles/{saved['id']}/transitions", {"action": "publish"})
    return done.get("url") or "", saved["id"]


def edit(args: argparse.Namespace) -> None:
    """Saves a random story of `--ids` again every `--edit-every` seconds
    (with `--publish`: publishes a new story instead)."""
    with open(args.ids, encoding="utf-8") as lines:
        stories = [tuple(int(v) for v in line.split()) for line in lines if line.strip()]
    rng = random.Random(args.seed)
    now = time.time()
    ends = time.monotonic() + args.duration
    saves = 0
    while time.monotonic() < ends:
        started = time.monotonic()
        if args.publish:
            publish(args.url, args.token, 1_000_000 + saves, args.seed, now, 0.0)
            saves += 1
            time.sleep(max(0.0, args.edit_every - (time.monotonic() - started)))
            continue
        article_id, number, seed = rng.choice(stories)
        body = story(number, random.Random(seed * 1_000_003 + number), now, args.years)
        body["lead"] += f" Updated {saves}."
        del body["published_at"]  # kept as it is: an edit in place
        call(args.url, args.token, "PUT", f"/api/v1/articles/{article_id}", body)
        saves += 1
        time.sleep(max(0.0, args.edit_every - (time.monotonic() - started)))
    print(f"{saves} saves in {args.duration:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--paths", help="write each story's public path here")
    parser.add_argument("--ids", help="write (or, editing, read) each story's id, number and seed")
    parser.add_argument("--edit-every", type=float, help="edit stories of --ids at this interval (s)")
    parser.add_argument("--for", dest="duration", type=float, default=20.0, help="how long to edit (s)")
    parser.add_argument("--publish", action="store_true", help="editing: publish new stories instead")
    args = parser.parse_args()
    if not args.url.startswith(("http://127.", "http://localhost", "http://[::1]")):
        sys.exit("archive.py only talks to loopback addresses")
    if args.edit_every:
        if not args.ids:
            sys.exit("--edit-every needs --ids")
        edit(args)
        return
    now = time.time()
    started = time.monotonic()
    urls = []
    ids = []
    with concurrent.futures.ThreadPoolExecutor(args.workers) as pool:
        jobs = {
            pool.submit(publish, args.url, args.token, n, args.seed, now, args.years): n for n in range(args.count)
        }
        for done, job in enumerate(concurrent.futures.as_completed(jobs), 1):
            url, article_id = job.result()
            urls.append(url)
            ids.append((article_id, jobs[job], args.seed))
            if done % 500 == 0:
                print(f"  {done} stories, {done / (time.monotonic() - started):.0f}/s", flush=True)
    elapsed = time.monotonic() - started
    print(f"{len(urls)} stories published in {elapsed:.0f} s ({len(urls) / elapsed:.0f}/s)")
    if args.paths:
        with open(args.paths, "w", encoding="utf-8") as out:
            for full in urls:
                path = "/" + full.split("://", 1)[-1].split("/", 1)[-1] if "://" in full else full
                out.write(path + "\n")
    if args.ids:
        with open(args.ids, "a", encoding="utf-8") as out:
            for article_id, number, seed in ids:
                out.write(f"{article_id} {number} {seed}\n")


if __name__ == "__main__":
    main()
