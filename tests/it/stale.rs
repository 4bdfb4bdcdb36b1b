//! A contact the export holds although another contact lists it as
//! merged into it (a pull resumed after merges in the portal holds 40 and
//! 41 and also 1189, which absorbed them): a plan naming such a stale copy
//! is refused, on the streamed and the in-memory way, as HubSpot refuses
//! it ("Object 40 was merged into 1189"); found by an independent review,
//! where `apply` merged 1189 into the stale 40 and `push` stopped mid-run.

use crate::util::{stderr, Sandbox};

const EXPORT: &str = "\
Record ID,Email,Merged object IDs
40,a@x.example,
41,a@x.example,
1189,a@x.example,40;41
42,b@x.example,
43,b@x.example,
";

#[test]
fn a_pair_naming_a_stale_copy_is_refused_and_the_others_go_through_with_keep_going() {
    let s = Sandbox::new();
    s.write("stale.csv", EXPORT);
    s.write(
        "plan.csv",
        "primary_id,secondary_id\n40,1189\n1189,41\n42,43\n",
    );
    for stdin in [false, true] {
        let mut cmd = s.cmd();
        match stdin {
            false => cmd.args(["apply", "stale.csv"]),
            true => cmd
                .args(["apply", "-", "--input-format", "csv"])
                .write_stdin(EXPORT),
        };
        let out = cmd
            .args(["--plan", "plan.csv", "-o", "out.csv"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "stdin {stdin}: {err}");
        assert!(
            err.contains("contact 40 is listed in contact 1189's hs_merged_object_ids"),
            "{err}"
        );
        assert!(
            err.contains("contact 41 is listed in contact 1189's"),
            "{err}"
        );
        assert!(err.contains("2 of 3 pairs"), "{err}");
    }
    let out = s
        .cmd()
        .args(["apply", "stale.csv", "--plan", "plan.csv", "-o", "out.csv"])
        .args(["--keep-going", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["applied"], 1, "{report}");
    let kinds: Vec<&str> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["stale-copy", "stale-copy"], "{report}");
}

/// `check` names each stale copy, where it is and which contact lists it,
/// from a file (its ids read again) and from stdin (its ids kept); a
/// merged id that is no contact of the file is no problem.
#[test]
fn check_names_a_stale_copy_from_a_file_and_from_stdin() {
    let s = Sandbox::new();
    s.write("stale.csv", EXPORT);
    for stdin in [false, true] {
        let mut cmd = s.cmd();
        match stdin {
            false => cmd.args(["check", "stale.csv"]),
            true => cmd
                .args(["check", "-", "--input-format", "csv"])
                .write_stdin(EXPORT),
        };
        let out = cmd.args(["--format", "json"]).output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(1),
            "stdin {stdin}: {}",
            stderr(&out)
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let found: Vec<(&str, &str)> = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["place"].as_str().unwrap(), p["record"].as_str().unwrap()))
            .collect();
        assert_eq!(found, [("line 2", "40"), ("line 3", "41")], "{report}");
        let text = report["problems"][0]["problem"].as_str().unwrap();
        assert!(
            text.contains("listed in contact 1189's hs_merged_object_ids (line 4)"),
            "{text}"
        );
    }
    // 1189 lists ids that are no contact here: nothing to say.
    s.write(
        "fine.csv",
        "Record ID,Email,Merged object IDs\n1189,a@x.example,40;41\n",
    );
    let out = s.cmd().args(["check", "fine.csv"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `merge` of one pair refuses a stale copy as `apply` refuses it (it
/// merged 41 into the copy 40 with exit 0), on either side, and writes
/// nothing.
#[test]
fn merge_refuses_a_stale_copy_as_apply_does() {
    let s = Sandbox::new();
    s.write("stale.csv", EXPORT);
    for (p, sec, copy) in [("40", "42", "40"), ("42", "41", "41")] {
        let out = s
            .cmd()
            .args(["merge", "stale.csv", p, sec, "-o", "out.csv"])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{p} {sec}: {err}");
        let said = format!("contact {copy} is listed in contact 1189's hs_merged_object_ids");
        assert!(err.contains(&said), "{err}");
        assert!(err.contains("merge into 1189 instead"), "{err}");
        assert!(!s.path("out.csv").exists());
    }
}
