#!/usr/bin/env python3
"""`dupes` on small files: the ones with too few candidate pairs to learn
from (under 1,000), which are scored with the hand-set weights
(src/dupes/score.rs). Prints precision, recall and F1 summed over many
small files for each set.

    python3 bench/small_files.py BIN SET [FILES] [PEOPLE]

BIN is a contact-merge binary. SET is one of the following:

- febrl1, febrl2, febrl3 or febrl4: the people of a FEBRL set
  (target/febrl, made by bench/febrl.py), drawn with random.Random(1000 + i)
  for file i, each person with all their records;
- heldout_gen: bench/heldout_gen.py, run with seeds 1..FILES;
- holdout_faker: bench/holdout_faker.py, run with seeds 3001.. (a
  development set since 2026-12-06; TESTING.md).

The defaults are 20 files of 50 people (FEBRL) or 60 people (the
generators). The files go to target/small/.
"""

import collections
import csv
import json
import os
import random
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def clusters(pairs):
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return find


def febrl_files(name, files, people, out):
    rows = list(csv.reader(open(os.path.join(ROOT, "target/febrl", name, "contacts.csv"))))
    head, body = rows[0], rows[1:]
    by_person = collections.defaultdict(list)
    for r in body:
        by_person[r[0].split("-")[1]].append(r)
    keys = sorted(by_person)
    for i in range(files):
        rnd = random.Random(1000 + i)
        recs = [r for k in rnd.sample(keys, people) for r in by_person[k]]
        rnd.shuffle(recs)
        path = os.path.join(out, f"{name}-{i}.csv")
        with open(path, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(head)
            w.writerows(recs)
        ids = [r[0] for r in recs]
        truth = [(a, b) for a in ids for b in ids if a < b and a.split("-")[1] == b.split("-")[1]]
        yield path, ids, truth


def generated_files(script, python, seed0, files, people, out):
    for i in range(files):
        d = os.path.join(out, f"{os.path.basename(script)}-{people}-{seed0 + i}")
        if not os.path.exists(os.path.join(d, "truth.csv")):
            subprocess.run([python, os.path.join(ROOT, script), d, str(people), str(seed0 + i)],
                           check=True, capture_output=True)
        path = os.path.join(d, "contacts.csv")
        ids = [r[0] for r in list(csv.reader(open(path)))[1:]]
        truth = [(r["primary_id"], r["secondary_id"]) for r in csv.DictReader(open(os.path.join(d, "truth.csv")))]
        yield path, ids, truth


def main():
    binary, name = sys.argv[1], sys.argv[2]
    files = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    out = os.path.join(ROOT, "target/small")
    os.makedirs(out, exist_ok=True)
    pyenv = os.path.join(ROOT, "target/pyenv/bin/python")
    if name.startswith("febrl"):
        people = int(sys.argv[4]) if len(sys.argv) > 4 else 50
        made = febrl_files(name, files, people, out)
    elif name == "heldout_gen":
        people = int(sys.argv[4]) if len(sys.argv) > 4 else 60
        made = generated_files("bench/heldout_gen.py", sys.executable, 1, files, people, out)
    elif name == "holdout_faker":
        people = int(sys.argv[4]) if len(sys.argv) > 4 else 60
        made = generated_files("bench/holdout_faker.py", pyenv, 3001, files, people, out)
    else:
        sys.exit(f"unknown set {name}")
    tp = fp = fn = 0
    candidates = []
    for path, ids, truth in made:
        run = subprocess.run([binary, "dupes", path, "--format", "json"], capture_output=True, text=True, check=True)
        candidates.append(int(run.stderr.rsplit("(", 1)[1].split(" ")[0]))
        found = clusters((p["primary"], p["secondary"]) for p in json.loads(run.stdout))
        true = clusters(truth)
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                same, got = true(a) == true(b), found(a) == found(b)
                tp += same and got
                fp += got and not same
                fn += same and not got
    # As examples/dupes_eval.rs: nothing found is no false pair.
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / max(tp + fn, 1)
    f1 = 2 * p * r / max(p + r, 1e-9)
    learned = sum(c >= 1000 for c in candidates)
    print(f"| {name} | {files} files of {people} people | {min(candidates)}-{max(candidates)} "
          f"({learned} learned) | {p:.4f} | {r:.4f} | {f1:.4f} |")


if __name__ == "__main__":
    main()
