"""Splink on the same export `contact-merge dupes` reads, for a time (and
quality) comparison. A model like ours: email, phone, first and last name,
company, postal code, city, job title; blocking on email, phone, names with
postal code, names with company; u from 1M random pairs, m by EM over two
blocking rules, the prior by deterministic rules; clusters at match
probability 0.9. Writes a plan CSV (primary_id,secondary_id) that
examples/dupes_eval.rs scores.

    target/pyenv/bin/python bench/splink_dupes.py contacts.csv plan.csv

Needs splink (5.0) and duckdb in target/pyenv (pip install splink).
"""

import sys
import time

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

src, out = sys.argv[1], sys.argv[2]
t0 = time.time()
raw = pd.read_csv(src, dtype=str, keep_default_na=False)
cols = {
    "Record ID": "unique_id",
    "First Name": "first_name",
    "Last Name": "surname",
    "Email": "email",
    "Phone Number": "phone",
    "Company Name": "company",
    "Postal Code": "postcode",
    "City": "city",
    "Job Title": "jobtitle",
}
df = raw[list(cols)].rename(columns=cols)
for c in df.columns:
    if c != "unique_id":
        df[c] = df[c].str.strip().str.lower().replace("", None)
df["phone"] = df["phone"].str.replace(r"\D", "", regex=True).str[-10:]

settings = SettingsCreator(
    link_type="dedupe_only",
    blocking_rules_to_generate_predictions=[
        block_on("email"),
        block_on("phone"),
        block_on("first_name", "surname", "postcode"),
        block_on("first_name", "surname", "company"),
        block_on("surname", "postcode", "jobtitle"),
    ],
    comparisons=[
        cl.JaroWinklerAtThresholds("email", [0.88]),
        cl.ExactMatch("phone"),
        cl.JaroWinklerAtThresholds("first_name", [0.92, 0.8]),
        cl.JaroWinklerAtThresholds("surname", [0.92, 0.8]),
        cl.JaroWinklerAtThresholds("company", [0.9]),
        cl.ExactMatch("postcode"),
        cl.ExactMatch("city"),
        cl.ExactMatch("jobtitle"),
    ],
    retain_intermediate_calculation_columns=False,
)
db = DuckDBAPI()
linker = Linker(db.register(df), settings, log_level=None)
linker.training.estimate_probability_two_random_records_match(
    [block_on("email"), block_on("phone")], recall=0.7
)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
for rule in [block_on("surname", "postcode"), block_on("email")]:
    linker.training.estimate_parameters_using_expectation_maximisation(
        rule, record_sample_proportion=1.0
    )
pred = linker.inference.predict(threshold_match_probability=0.5)
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
    pred, threshold_match_probability=0.9
).as_pandas_dataframe()
t1 = time.time()
rows = []
for _, g in clusters.groupby("cluster_id"):
    ids = sorted(g["unique_id"].astype(str))
    rows += [(ids[0], x) for x in ids[1:]]
pd.DataFrame(rows, columns=["primary_id", "secondary_id"]).to_csv(out, index=False)
print(f"splink: {len(df)} records, {len(rows)} pairs, {t1 - t0:.1f} s", file=sys.stderr)
