#!/usr/bin/env python3
"""How much recall any duplicate finder can have at a given precision on a
generated set, from what the file holds.

    python3 bench/ceiling.py DIR [--precision 0.98]

DIR holds contacts.csv and truth.csv, as `examples/gen.rs` and
`bench/heldout_gen.py` write them (HubSpot's labels or internal names).

Contacts that agree exactly (case aside) on first name, last name and
company (its first word, so "Stark" and "Stark Ltd" agree) look alike to
every name and company comparison there is. Within each such group, pairs
are told apart by their emails, phones, cities and job titles: each pair
gets a signature (each of the four the same, different, or missing on a
side). For every signature the script counts the pairs and how many of them
are one person (truth.csv, clusters joined).

A finder that keeps precision P can take the signatures whose share of true
pairs is highest only until its precision would fall under P. The true pairs
of the other signatures are out of its reach. The script prints, per
signature, the pairs and their share, and the ceiling: the recall a finder
would have if it found every true pair outside these groups (an optimistic
assumption: the typos, nicknames and moves there are not free either) and
the best share of the groups' true pairs that P allows.

Nothing here is tuned on: it reads the truth only to count.
"""

import argparse
import collections
import csv
import os
import sys

LABELS = {
    "first": ["First Name", "firstname"],
    "last": ["Last Name", "lastname"],
    "email": ["Email", "email"],
    "phone": ["Phone Number", "phone"],
    "company": ["Company Name", "company"],
    "city": ["City", "city"],
    "title": ["Job Title", "jobtitle"],
    "id": ["Record ID", "hs_object_id"],
}


def column(header, name):
    for label in LABELS[name]:
        if label in header:
            return header.index(label)
    sys.exit(f"{name}: none of {LABELS[name]} in the header")


def digits(phone):
    d = "".join(ch for ch in phone if ch.isdigit())
    return d[-10:]


def level(a, b):
    if not a or not b:
        return "missing"
    return "same" if a == b else "different"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--precision", type=float, default=0.98)
    args = ap.parse_args()

    with open(os.path.join(args.dir, "contacts.csv"), newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        header = next(rows)
        c = {name: column(header, name) for name in LABELS}
        contacts = {}
        groups = collections.defaultdict(list)
        for row in rows:
            get = lambda name: row[c[name]].strip().lower()
            company = get("company").split(" ")[0]
            key = (get("first"), get("last"), company)
            cid = row[c["id"]]
            contacts[cid] = (get("email"), digits(get("phone")), get("city"), get("title"))
            if key[0] and key[1]:
                groups[key].append(cid)

    parent = {}

    def find(x):
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    with open(os.path.join(args.dir, "truth.csv"), newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows)
        for a, b, *_ in rows:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra
    sizes = collections.Counter(find(x) for x in contacts)
    all_true = sum(n * (n - 1) // 2 for n in sizes.values())

    tally = collections.defaultdict(lambda: [0, 0])
    for ids in groups.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                sig = tuple(level(x, y) for x, y in zip(contacts[a], contacts[b]))
                t = tally[sig]
                t[0] += 1
                t[1] += find(a) == find(b)
    in_groups = sum(t for _, t in tally.values())

    print(f"{args.dir}: {len(contacts)} contacts, {all_true} true pairs; "
          f"{in_groups} of them agree on first and last name and company")
    print(f"{'email':<10} {'phone':<10} {'city':<10} {'job title':<10} {'pairs':>9} {'true':>8} {'share':>6}")
    ranked = sorted(tally.items(), key=lambda kv: (-kv[1][1] / kv[1][0], -kv[1][0]))
    for sig, (n, t) in ranked:
        if t or n >= 100:
            print(" ".join(f"{x:<10}" for x in sig), f"{n:>9} {t:>8} {t / n:>6.3f}")

    # Every true pair outside the groups counted as found, without a false
    # one; then whole signatures, best first, and part of the next one (its
    # pairs are alike: any part has its share), while precision holds.
    outside = all_true - in_groups
    taken_true, taken_false = float(outside), 0.0
    for _, (n, t) in ranked:
        if (taken_true + t) / (taken_true + taken_false + n) >= args.precision:
            taken_true += t
            taken_false += n - t
            continue
        share = t / n
        if share < args.precision:
            # x of its pairs: (T + x s) / (T + F + x) = P.
            x = (args.precision * (taken_true + taken_false) - taken_true) / (share - args.precision)
            x = max(0.0, min(float(n), x))
            taken_true += x * share
            taken_false += x * (1 - share)
        break
    out_of_reach = all_true - taken_true
    recall = (all_true - out_of_reach) / all_true
    f1 = 2 * args.precision * recall / (args.precision + recall)
    print(f"at precision {args.precision}: {out_of_reach:.0f} true pairs out of reach; "
          f"recall at most {recall:.3f}, F1 at most {f1:.3f}")


if __name__ == "__main__":
    main()
