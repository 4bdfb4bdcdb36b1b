"""Splink 5 on a held-out person dataset: a reference measurement only.

Reads a contacts CSV (any of: Record ID, First Name, Last Name, Email, City,
Postal Code, Date of birth, Gender, Job Title), builds a Splink model in the
manner of Splink's own tutorials for such data (name, date-of-birth, email,
city, postcode, gender and occupation comparisons; u from 1M random pairs,
the prior from deterministic rules, m by EM over two blocking rules),
predicts at match probability 0.9, clusters at 0.9 and writes a plan CSV
(primary_id,secondary_id: each cluster's first member paired with every
other member) that examples/dupes_eval.rs scores.

The figure it yields is a reference point only. It is never used to tune
contact-merge, and no setting of contact-merge is derived from it.

    target/pyenv/bin/python bench/splink_heldout.py contacts.csv plan.csv

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
names = {
    "Record ID": "unique_id",
    "First Name": "first_name",
    "Last Name": "surname",
    "Date of birth": "dob",
    "Email": "email",
    "City": "city",
    "Postal Code": "postcode",
    "Gender": "gender",
    "Job Title": "occupation",
}
cols = {k: v for k, v in names.items() if k in raw.columns}
df = raw[list(cols)].rename(columns=cols)
for c in df.columns:
    if c != "unique_id":
        df[c] = df[c].str.strip().str.lower().replace("", None)
have = set(df.columns)

comparisons = [
    cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
    cl.NameComparison("surname").configure(term_frequency_adjustments=True),
]
if "dob" in have:
    comparisons.append(
        cl.DateOfBirthComparison(
            "dob", input_is_string=True, datetime_format="%Y-%m-%d"
        )
    )
if "email" in have:
    comparisons.append(cl.EmailComparison("email"))
if "city" in have:
    comparisons.append(
        cl.ExactMatch("city").configure(term_frequency_adjustments=True)
    )
if "postcode" in have:
    comparisons.append(cl.LevenshteinAtThresholds("postcode", [1, 2]))
for c in ("gender", "occupation"):
    if c in have:
        comparisons.append(cl.ExactMatch(c))

blocking = [block_on("first_name", "surname")]
for c in ("dob", "postcode", "email"):
    if c in have:
        blocking.append(block_on(c))
if "city" in have:
    blocking.append(block_on("first_name", "city"))

settings = SettingsCreator(
    link_type="dedupe_only",
    blocking_rules_to_generate_predictions=blocking,
    comparisons=comparisons,
    retain_intermediate_calculation_columns=False,
)
db = DuckDBAPI()
linker = Linker(db.register(df), settings, log_level=None)
prior_rule = ["first_name", "surname"] + (["dob"] if "dob" in have else [])
linker.training.estimate_probability_two_random_records_match(
    [block_on(*prior_rule)], recall=0.7
)
linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
em_rules = [block_on("dob") if "dob" in have else block_on("city"),
            block_on("first_name", "surname")]
for rule in em_rules:
    linker.training.estimate_parameters_using_expectation_maximisation(rule)
pred = linker.inference.predict(threshold_match_probability=0.9)
clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
    pred, threshold_match_probability=0.9
).as_pandas_dataframe()
n_edges = len(pred.as_pandas_dataframe())
t1 = time.time()
rows = []
for _, g in clusters.groupby("cluster_id"):
    ids = sorted(g["unique_id"].astype(str))
    rows += [(ids[0], x) for x in ids[1:]]
pd.DataFrame(rows, columns=["primary_id", "secondary_id"]).to_csv(out, index=False)
print(f"splink: {len(df)} records, {n_edges} pairwise predictions >= 0.9, "
      f"{len(rows)} plan pairs, {t1 - t0:.1f} s", file=sys.stderr)
