#!/usr/bin/env python3
"""Two held-out sets of `dupes` (issue 17) from public data nobody on the
team made: the person datasets Splink ships for its tutorials, from the
public GitHub repository moj-analytical-services/splink_datasets (MIT
licence), as HubSpot-like exports with their true duplicate pairs.

- `fake_1000.csv`: 1,000 made-up people's records in 251 clusters (first
  name, surname, date of birth, city, email; typos, nicknames, missing
  values, changed emails), the data of Splink's own tutorial.
- `historical_figures_with_errors_50k.parquet`: 50,578 records of 5,156
  historical people from Wikidata, each copied 3 to 21 times with errors
  (names, dates of birth, birth places, made-up postcodes, gender,
  occupation).

Protocol (TESTING.md "The held-out sets of `dupes`"): this script was
committed before either set was run through `dupes`; only the summary
figures (precision, recall, F1, time, memory) are read, never the pairs,
never to choose a weight, a level or a threshold.

    git clone <splink_datasets> /tmp/splink_datasets    # or any copy of its data/ folder
    target/pyenv/bin/pip install pandas pyarrow
    target/pyenv/bin/python bench/splink_sets.py /tmp/splink_datasets/data target/splinkdata

writes OUT/fake1000/ and OUT/hist50k/, each with contacts.csv and
truth.csv (primary_id,secondary_id: each cluster's first record against
each of its others; examples/dupes_eval.rs joins them into clusters).

The columns get HubSpot's export headers, so that `dupes` recognises the
fields as it would in a portal's export: Record ID (the row's number from
1), First Name, Last Name, Email, City, Date of birth; for the historical
set also Postal Code (its made-up postcode), City (the birth place),
Gender and Job Title (the occupation). Its derived columns (full name,
first and surname) are left out: a portal has no such property.
"""
import csv
import os
import sys

import pandas as pd


def write(out, rows, header, clusters):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "contacts.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    first = {}
    pairs = []
    for rec_id, cluster in clusters:
        if cluster in first:
            pairs.append((first[cluster], rec_id))
        else:
            first[cluster] = rec_id
    with open(os.path.join(out, "truth.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["primary_id", "secondary_id"])
        w.writerows(pairs)
    print(f"{out}: {len(rows)} records, {len(first)} people, {len(pairs)} true pairs "
          "(joined into clusters)", file=sys.stderr)


def text(v):
    return "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()


def fake_1000(src, out):
    df = pd.read_csv(os.path.join(src, "fake_1000.csv"), dtype=str, keep_default_na=False)
    cols = ["first_name", "surname", "email", "city", "dob"]
    header = ["Record ID", "First Name", "Last Name", "Email", "City", "Date of birth"]
    rows, clusters = [], []
    for i, r in enumerate(df.itertuples(index=False), start=1):
        rows.append([i] + [text(getattr(r, c)) for c in cols])
        clusters.append((i, r.cluster))
    write(os.path.join(out, "fake1000"), rows, header, clusters)


def historical_50k(src, out):
    df = pd.read_parquet(os.path.join(src, "historical_figures_with_errors_50k.parquet"))
    cols = ["first_name", "surname", "dob", "birth_place", "postcode_fake", "gender",
            "occupation"]
    header = ["Record ID", "First Name", "Last Name", "Date of birth", "City", "Postal Code",
              "Gender", "Job Title"]
    rows, clusters = [], []
    for i, r in enumerate(df.itertuples(index=False), start=1):
        rows.append([i] + [text(getattr(r, c)) for c in cols])
        clusters.append((i, r.cluster))
    write(os.path.join(out, "hist50k"), rows, header, clusters)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: splink_sets.py SPLINK_DATASETS_DATA_DIR OUT_DIR")
    src, out = sys.argv[1], sys.argv[2]
    fake_1000(src, out)
    historical_50k(src, out)


if __name__ == "__main__":
    main()
