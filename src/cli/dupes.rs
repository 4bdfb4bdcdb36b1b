//! `contact-merge dupes FILE [-o PLAN]`: likely duplicates, as a plan.

use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::args::{DupesArgs, OutputFormat};
use super::{table, Ctx, Status, UsageError};
use crate::dupes::explain::Scorer;
use crate::dupes::{self, DupPair, Found, Records};
use crate::format;
use crate::plan::BadPair;
use crate::text::count;

pub fn run(args: &DupesArgs, ctx: &mut Ctx) -> anyhow::Result<Status> {
    let given = match &args.fields {
        Some(list) => {
            Some(dupes::parse_fields(list).map_err(|e| UsageError(format!("--fields: {e}")))?)
        }
        None => None,
    };
    if args.max_block < 2 {
        return Err(UsageError("--max-block must be at least 2".into()).into());
    }
    if let Some(p) = args.output.as_deref().filter(|p| p.as_os_str() != "-") {
        plan_target(p)?;
    }
    let records = read_records(args, given.as_deref(), ctx)?;
    if let Some(bad) = &records.ambiguous_date {
        anyhow::bail!("{}: {bad}", args.file.display());
    }
    let compared = compared_fields(&records);
    if args.fields.is_some() && !records.is_empty() && records.seen.iter().all(|n| *n == 0) {
        return Err(UsageError(format!(
            "--fields: no contact in {} has a value for any of the fields given ({}), so nothing can be compared and no plan is written; check the names (internal names such as email or CSV labels such as \"Email\")",
            args.file.display(),
            (records.fields.iter()).map(|f| format!("{:?}", f.name)).collect::<Vec<_>>().join(", ")
        ))
        .into());
    }
    warn_about_fields(&records, &compared, args, ctx);
    let opts = dupes::Options {
        threshold: args.threshold,
        primary: args.primary,
        blocking: dupes::block::Options {
            max_block: args.max_block,
            ..Default::default()
        },
        max_merges: args.max_merges,
        ..Default::default()
    };
    if let Some(ids) = &args.explain {
        show_explanation(&records, &opts, ids, args, ctx)?;
        return Ok(Status::Ok);
    }
    let finding = working(
        ctx,
        format!(
            "finding duplicates among {}",
            count(records.len(), "contact", "contacts")
        ),
    );
    let found = dupes::find(&records, &opts);
    finding.finish_and_clear();
    drop(records);
    let refused = warn_found(&found, &compared, args, ctx)?;
    write_found(&found, args, ctx)?;
    ctx.info(&format!(
        "{}: fields compared: {}",
        args.file.display(),
        described(&compared)
    ));
    ctx.info(&summary(&found, args));
    // The report goes to stdout, or to stderr when the plan takes stdout
    // (`-o -`), as apply's, merge's and unmerge's do.
    if let (Some(plan), OutputFormat::Json) = (args.output.as_deref(), ctx.global.format) {
        let out: &mut dyn std::io::Write = if plan.as_os_str() == "-" {
            &mut *ctx.err
        } else {
            &mut *ctx.out
        };
        let report = report(&found, &compared, &refused, args, plan);
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    }
    Ok(Status::Ok)
}

/// What `--format json` prints when the plan is written (`-o`): the
/// summary's figures and the members left out, for a script.
fn report(
    found: &Found,
    compared: &[(String, dupes::FieldKind)],
    refused: &[BadPair],
    args: &DupesArgs,
    plan: &Path,
) -> serde_json::Value {
    let fields: Vec<serde_json::Value> = (compared.iter())
        .map(|(name, kind)| serde_json::json!({"name": name, "holds": kind.label()}))
        .collect();
    serde_json::json!({
        "file": args.file.display().to_string(),
        "plan": plan.display().to_string(),
        "fields": fields,
        "contacts": found.contacts,
        "pairs": found.pairs.len(),
        "clusters": found.clusters,
        "threshold": args.threshold,
        "maxMerges": args.max_merges,
        "leftOut": found.left_out,
        "candidatePairs": found.blocking.candidates,
        "skippedBlocks": found.blocking.skipped_blocks,
        "skippedContacts": found.blocking.skipped_members,
        "refusedByApply": refused,
    })
}

/// What the plan found calls for on stderr: no candidates, the model
/// (debugging), members left out, spaced ids, and the pairs apply would
/// refuse (returned for the JSON report).
fn warn_found(
    found: &Found,
    compared: &[(String, dupes::FieldKind)],
    args: &DupesArgs,
    ctx: &mut Ctx,
) -> anyhow::Result<Vec<BadPair>> {
    if found.blocking.candidates == 0 && found.contacts > 1 {
        ctx.warn(
            "no-candidates",
            &format!(
                "{}: no two contacts share a key to compare them by (fields compared: {}); if the file has emails, phones or names under other headers, name those columns with --fields",
                args.file.display(),
                described(compared)
            ),
        );
    }
    if std::env::var_os("CONTACT_MERGE_DEBUG_MODEL").is_some() {
        eprint!("{}", found.model);
    }
    warn_left_out(found, args, ctx);
    warn_spaced_ids(found, args, ctx);
    warn_refused(found, args, ctx)
}

/// The pairs `apply` with its default options would refuse (a counter
/// that is no number, a stage the order does not know, ...), named with
/// why: the finder compares only the fields it reads. The pairs stay in
/// the plan: they are duplicates, and mended values let them merge.
fn warn_refused(found: &Found, args: &DupesArgs, ctx: &mut Ctx) -> anyhow::Result<Vec<BadPair>> {
    let opts = crate::rules::MergeOptions {
        max_merges: args.max_merges,
        merge_time: super::merge_time(ctx.global.merge_time.as_deref())?,
        ..Default::default()
    };
    let checking = working(ctx, "checking the plan's pairs as apply would".into());
    let checked =
        dupes::refusals::refused_by_apply(&args.file, ctx.global.input_format, &found.pairs, &opts);
    checking.finish_and_clear();
    // A file apply refuses whole: the plan is still written, for review.
    let refused = match checked {
        Ok(refused) => refused,
        Err(e) => {
            ctx.warn(
                "refused-by-apply",
                &format!(
                    "apply with its default options would refuse this file, so no pair of the plan could be merged as it is: {e}"
                ),
            );
            return Ok(Vec::new());
        }
    };
    let Some(first) = refused.first() else {
        return Ok(refused);
    };
    let more = match refused.len() {
        1 => String::new(),
        n => format!(" (the first of {n}; --format json with -o lists them all)"),
    };
    ctx.warn(
        "refused-by-apply",
        &format!(
            "{}: apply with its default options would refuse {} of the plan: {} ← {}: {}{more}; correct the values (contact-merge check {} lists them), give apply the option the message names, or run apply with --keep-going to merge the other pairs",
            args.file.display(),
            count(refused.len(), "pair", "pairs"),
            first.primary,
            first.secondary,
            first.problem,
            args.file.display(),
        ),
    );
    Ok(refused)
}

/// A line on stderr saying what a long step is doing, with a spinner and
/// the time so far (in a terminal, not under `--quiet`): a run of a
/// million contacts takes seconds with nothing else to show. Cleared
/// before anything else is written.
fn working(ctx: &Ctx, what: String) -> ProgressBar {
    if !ctx.err_is_terminal || ctx.global.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        bar.set_style(style);
    }
    bar.set_message(what);
    bar.enable_steady_tick(std::time::Duration::from_millis(150));
    bar
}

/// A pair naming a contact whose id has spaces around it (a JSON export
/// can hold one): `apply` reads a plan's ids without them, so it would
/// report that contact as not a contact.
fn warn_spaced_ids(found: &Found, args: &DupesArgs, ctx: &mut Ctx) {
    let spaced = |id: &str| id.trim().len() != id.len();
    let mut ids: Vec<&str> = (found.pairs.iter())
        .flat_map(|p| [p.primary.as_str(), p.secondary.as_str()])
        .filter(|id| spaced(id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    if let Some(first) = ids.first() {
        ctx.warn(
            "spaced-id",
            &format!(
                "{}: the plan names {} whose record id has spaces around it (first: {first:?}); apply reads a plan's ids without them and would not find {}: remove the spaces in the export (`contact-merge check` lists them)",
                args.file.display(),
                crate::text::count(ids.len(), "contact", "contacts"),
                if ids.len() == 1 { "it" } else { "them" },
            ),
        );
    }
}

/// One warning per cluster the merge limit cut short: its primary, how
/// many members were left out (and the first few), and why.
fn warn_left_out(found: &Found, args: &DupesArgs, ctx: &mut Ctx) {
    const NAMED: usize = 5;
    for l in &found.left_out {
        let mut first: Vec<&str> = l.ids.iter().take(NAMED).map(String::as_str).collect();
        if l.ids.len() > NAMED {
            first.push("…");
        }
        let cluster = match l.cluster {
            Some(n) => format!("cluster {n} (primary {})", l.primary),
            None => format!("the cluster of {}", l.primary),
        };
        let regrouped = l.merged_among;
        let alone = l.ids.len() - regrouped;
        let fate = match (regrouped, alone) {
            (0, 1) => format!("it stays a duplicate of {}", l.primary),
            (0, _) => format!("they stay duplicates of {}", l.primary),
            (_, 0) => format!(
                "they are merged among themselves instead ({}) and stay apart from {}",
                numbered(&l.regrouped),
                l.primary
            ),
            (_, _) => format!(
                "{regrouped} of them are merged among themselves instead ({}); {} of {}",
                numbered(&l.regrouped),
                match alone {
                    1 => "1 stays a duplicate".to_string(),
                    n => format!("{n} stay duplicates"),
                },
                l.primary
            ),
        };
        ctx.warn(
            "merge-limit",
            &format!(
                "{cluster}: {} not merged into {} ({}): with {}, the merges into {} would reach HubSpot's limit of {} merges per contact (--max-merges; merges in hs_merged_object_ids count), and apply would refuse the plan; {fate}: raise --max-merges if HubSpot allows your account more",
                count(l.ids.len(), "contact", "contacts"),
                l.primary,
                first.join(", "),
                if l.ids.len() == 1 { "it" } else { "them" },
                l.primary,
                args.max_merges,
            ),
        );
    }
}

/// "cluster 4" or "clusters 4, 5".
fn numbered(clusters: &[usize]) -> String {
    let list: Vec<String> = clusters.iter().map(usize::to_string).collect();
    match clusters.len() {
        1 => format!("cluster {}", list[0]),
        _ => format!("clusters {}", list.join(", ")),
    }
}

/// A plan file `dupes` can write, refused before the work: a plan is CSV
/// or JSON (by its name), so an export's other extensions (`.xlsx`,
/// `.ndjson`) would get a file of another format under their name; and its
/// place must take a file.
fn plan_target(p: &Path) -> anyhow::Result<()> {
    let ext = p
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if let Some(e) = ext.filter(|e| ["xlsx", "ndjson", "jsonl"].contains(&e.as_str())) {
        return Err(UsageError(format!(
            "-o {}: a plan is written as CSV or JSON, not .{e}; name it .csv or .json (or - for stdout)",
            p.display()
        ))
        .into());
    }
    crate::atomic::check_target(p).with_context(|| format!("cannot write {}", p.display()))
}

/// The file's live contacts as records, on the `given` fields or, without
/// them, on the fields the first contacts show; archived ones are left out
/// with a warning.
fn read_records(
    args: &DupesArgs,
    given: Option<&[dupes::Field]>,
    ctx: &mut Ctx,
) -> anyhow::Result<Records> {
    // Without --fields, the fields come from the first contacts (headers
    // checked against content); they wait in `sample` until then.
    let mut records: Option<Records> = given.map(Records::new);
    let mut sample: Vec<crate::model::Contact> = Vec::new();
    let size = std::fs::metadata(&args.file)
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let settle = |sample: &mut Vec<crate::model::Contact>| {
        let mut fields = dupes::detect::detect(sample);
        if fields.is_empty() {
            fields = dupes::default_fields();
        }
        let mut rs = Records::new(&fields);
        // Room for the whole file's records, from its size and the
        // sample's values (a lower bound of a row's bytes: the count
        // comes out high rather than low).
        let bytes: usize = sample.iter().map(value_bytes).sum();
        let estimate = match size {
            Some(size) if sample.len() >= dupes::detect::SAMPLE && bytes > 0 => {
                Some((size as u128 * sample.len() as u128 / bytes as u128) as usize)
            }
            _ => None,
        };
        for c in sample.drain(..) {
            rs.push(&c);
        }
        if let Some(n) = estimate {
            rs.reserve_like(n);
        }
        rs
    };
    // Archived contacts take part in no merge (HubSpot merges only live
    // records): a plan naming one would be refused by `apply`.
    let mut archived = 0usize;
    let reading = working(
        ctx,
        format!(
            "reading {}",
            table::printable(&args.file.display().to_string())
        ),
    );
    let read = format::for_each_contact(&args.file, ctx.global.input_format, &mut |c| {
        if crate::merge::is_archived(&c) {
            archived += 1;
        } else if let Some(rs) = records.as_mut() {
            rs.push(&c)
        } else {
            sample.push(c);
            if sample.len() >= dupes::detect::SAMPLE {
                records = Some(settle(&mut sample));
            }
        }
    });
    reading.finish_and_clear();
    read?;
    let mut records = match records {
        Some(rs) => rs,
        None => settle(&mut sample),
    };
    records.done_reading();
    if archived > 0 {
        ctx.warn(
            "archived",
            &format!(
                "{}: {} left out: an archived contact takes part in no merge",
                args.file.display(),
                crate::text::count(archived, "archived contact", "archived contacts")
            ),
        );
    }
    Ok(records)
}

/// The bytes of a contact's id and values, and one between each two: at
/// most what its row takes in a file.
fn value_bytes(c: &crate::model::Contact) -> usize {
    c.id.len()
        + c.properties
            .values()
            .map(|v| v.as_deref().map_or(0, str::len) + 1)
            .sum::<usize>()
}

/// Warnings about the fields: a `--fields` name no contact has, create
/// dates that are not dates.
/// The fields compared that some contact has a value for, with what each
/// holds (the default fields, used when no column is found, are named
/// only where the file has them).
fn compared_fields(records: &Records) -> Vec<(String, dupes::FieldKind)> {
    (records.fields.iter().zip(&records.seen))
        .filter(|(_, seen)| **seen > 0)
        .map(|(f, _)| (f.name.clone(), f.kind))
        .collect()
}

/// `email (emails), firstname (first names), ...`, or `none`.
fn described(compared: &[(String, dupes::FieldKind)]) -> String {
    if compared.is_empty() {
        return "none".into();
    }
    (compared.iter())
        .map(|(name, kind)| format!("{name} ({})", kind.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn warn_about_fields(
    records: &Records,
    compared: &[(String, dupes::FieldKind)],
    args: &DupesArgs,
    ctx: &mut Ctx,
) {
    if records.len() > 1 && !compared.iter().any(|(_, k)| k.identifies()) {
        ctx.warn(
            "no-identity-field",
            &format!(
                "{}: no field compared holds emails, phones, names, dates of birth or id numbers (compared: {}), so duplicates cannot be told from namesakes; name those columns with --fields, e.g. --fields \"E-mail,Mobile,Given Name,Family Name\"",
                args.file.display(),
                described(compared)
            ),
        );
    }
    for (f, seen) in records.fields.iter().zip(&records.seen) {
        if *seen == 0 && args.fields.is_some() {
            ctx.warn("field-empty", &format!(
                "no contact in {} has a value for {:?}; check the name (internal names or CSV labels)",
                args.file.display(),
                f.name
            ));
        }
    }
    if records.bad_dates > 0 {
        ctx.warn(
            "bad-create-date",
            &format!(
                "{} a create date that is not a date; they count as the oldest when choosing primaries (first: {}); correct or clear them to choose by date",
                match records.bad_dates {
                    1 => "1 contact has".to_string(),
                    n => format!("{n} contacts have"),
                },
                records
                    .first_bad_date
                    .as_ref()
                    .map_or(String::new(), |b| format!("contact {}, {} '{}'", b.record, b.field, b.source.value))
            ),
        );
    }
}

/// `--explain ID ID`: each comparison's part in the pair's score.
fn show_explanation(
    records: &Records,
    opts: &dupes::Options,
    ids: &[String],
    args: &DupesArgs,
    ctx: &mut Ctx,
) -> anyhow::Result<()> {
    let e = dupes::explain(records, opts, &ids[0], &ids[1])
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    match ctx.global.format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *ctx.out, &e)?;
            writeln!(ctx.out)?;
        }
        OutputFormat::Table => {
            let t = render_explanation(&e, &ids[0], &ids[1], ctx.color);
            ctx.print_table(&t)?;
        }
    }
    Ok(())
}

/// The pairs found: to `-o` (a plan file, or `-` for CSV on stdout), else
/// as a table or JSON on stdout.
fn write_found(found: &Found, args: &DupesArgs, ctx: &mut Ctx) -> anyhow::Result<()> {
    match args.output.as_deref() {
        None => match ctx.global.format {
            OutputFormat::Json => {
                serde_json::to_writer_pretty(&mut *ctx.out, &found.pairs)?;
                writeln!(ctx.out)?;
            }
            OutputFormat::Table => {
                if !found.pairs.is_empty() {
                    let t = render(&found.pairs, ctx.color);
                    ctx.print_table(&t)?;
                }
            }
        },
        Some(p) if p.as_os_str() == "-" => {
            dupes::write_plan_csv(&found.pairs, ctx.out).context("cannot write to stdout")?
        }
        Some(p) => crate::atomic::write_atomic_result(p, super::io::input_mode(&args.file), |w| {
            write_plan(&found.pairs, p, w)
        })
        .with_context(|| format!("cannot write {}", p.display()))?,
    }
    Ok(())
}

/// The plan file: JSON when its name ends in `.json`, else CSV.
fn write_plan(pairs: &[DupPair], path: &Path, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    if crate::plan::PlanFormat::from_path(path) == Some(crate::plan::PlanFormat::Json) {
        serde_json::to_writer_pretty(&mut *w, pairs)?;
        writeln!(w)
    } else {
        dupes::write_plan_csv(pairs, w)
    }
}

/// The pairs as a table: cluster | primary | secondary | score | reasons.
pub fn render(pairs: &[DupPair], color: bool) -> table::Table {
    let mut t = table::new(
        &["cluster", "primary", "secondary", "score", "reasons"],
        color,
    );
    for p in pairs {
        t.row([
            p.cluster.to_string(),
            p.primary.clone(),
            p.secondary.clone(),
            format!("{:.3}", p.score),
            p.reasons.join(", "),
        ]);
    }
    t
}

/// The waterfall: the prior, each comparison's bits, the "another person"
/// correction, the total and the probability.
pub fn render_explanation(
    e: &dupes::explain::Explanation,
    a: &str,
    b: &str,
    color: bool,
) -> table::Table {
    let mut t = table::new(
        &["comparison", a, b, "level", "m", "u", "bits", "total"],
        color,
    );
    let mut total = e.prior_bits;
    let bits = |x: f64| format!("{x:+.2}");
    let prior = match e.scorer {
        Scorer::Learned => "prior (chance two contacts at random are one person)",
        Scorer::HandSet => "prior (hand-set weights: too few pairs in the file to learn from)",
    };
    t.row([
        prior.to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        bits(e.prior_bits),
        bits(total),
    ]);
    for term in &e.terms {
        total += term.bits;
        t.row([
            term.comparison.clone(),
            term.a.clone(),
            term.b.clone(),
            term.level.to_string(),
            term.m.map_or("-".to_string(), |m| format!("{m:.3}")),
            term.u.map_or("-".to_string(), |u| format!("{u:.2e}")),
            bits(term.bits),
            bits(total),
        ]);
    }
    if e.rule_bits > 0.0 {
        total += e.rule_bits;
        t.row([
            "same personal email: one person, as HubSpot takes it".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            bits(e.rule_bits),
            bits(total),
        ]);
    }
    if e.household_bits < -0.005 {
        total += e.household_bits;
        t.row([
            "household: another person at this home or office".to_string(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            bits(e.household_bits),
            bits(total),
        ]);
    }
    t.row([
        "match probability".to_string(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        format!("{:.4}", e.probability),
    ]);
    t
}

fn summary(found: &Found, args: &DupesArgs) -> String {
    let mut s = format!(
        "{}: {}, {} in {} at threshold {} ({} compared",
        args.file.display(),
        count(found.contacts, "contact", "contacts"),
        count(found.pairs.len(), "duplicate pair", "duplicate pairs"),
        count(found.clusters, "cluster", "clusters"),
        args.threshold,
        count(
            found.blocking.candidates,
            "candidate pair",
            "candidate pairs"
        ),
    );
    if found.blocking.skipped_blocks > 0 {
        s.push_str(&format!(
            "; {} of more than {} sharing a key skipped, {} in them",
            count(found.blocking.skipped_blocks, "block", "blocks"),
            count(args.max_block, "contact", "contacts"),
            count(found.blocking.skipped_members, "contact", "contacts")
        ));
    }
    s.push(')');
    // Members left out of a cluster made of left-out members are among
    // that cluster's own left-out ones: counted once, at the outermost.
    let outermost = || found.left_out.iter().filter(|l| l.within.is_none());
    let left_out: usize = outermost().map(|l| l.ids.len()).sum();
    if left_out > 0 {
        let regrouped: usize = outermost().map(|l| l.merged_among).sum();
        s.push_str(&format!(
            "; {} left out of their primary's merges (HubSpot's limit of {} merges per contact)",
            count(left_out, "contact", "contacts"),
            args.max_merges
        ));
        if regrouped > 0 {
            s.push_str(&format!(", {regrouped} of them merged among themselves"));
        }
    }
    if let Some(o) = args.output.as_deref().filter(|o| o.as_os_str() != "-") {
        s.push_str(&format!("; plan written to {}", o.display()));
    }
    s
}
