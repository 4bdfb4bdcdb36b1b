//! Reading plan files: CSV with a `primary_id,secondary_id` header, or a
//! JSON list of `{"primary": ..., "secondary": ...}`, into a [`Plan`].

use std::io;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

/// The format of a plan file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PlanFormat {
    Csv,
    Json,
}

impl PlanFormat {
    /// The format a file's extension names (`.csv`, `.json`), if any.
    pub fn from_path(path: &Path) -> Option<PlanFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(PlanFormat::Csv),
            "json" => Some(PlanFormat::Json),
            _ => None,
        }
    }

    /// Guess the format from the content: JSON when it opens with `[` or
    /// `{`, else CSV.
    pub fn sniff(bytes: &[u8]) -> PlanFormat {
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        match text.iter().find(|b| !b.is_ascii_whitespace()) {
            Some(b'[' | b'{') => PlanFormat::Json,
            _ => PlanFormat::Csv,
        }
    }
}

/// One pair of a plan: merge `secondary` into `primary`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The CSV line of the pair, or for a JSON plan its 1-based index.
    pub line: u64,
    pub primary: String,
    pub secondary: String,
}

/// A plan: its pairs in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The plan file, for messages.
    pub file: String,
    pub format: PlanFormat,
    pub pairs: Vec<Pair>,
}

impl Plan {
    /// A CSV plan of these (primary, secondary) pairs, as a file under a
    /// header row would hold them (the first pair on line 2).
    pub fn csv<P: Into<String>, S: Into<String>>(
        file: &str,
        pairs: impl IntoIterator<Item = (P, S)>,
    ) -> Plan {
        Plan {
            file: file.into(),
            format: PlanFormat::Csv,
            pairs: pairs
                .into_iter()
                .enumerate()
                .map(|(i, (p, s))| Pair {
                    line: i as u64 + 2,
                    primary: p.into(),
                    secondary: s.into(),
                })
                .collect(),
        }
    }

    /// Where a pair stands, for messages: "line 4" (CSV) or "pair 4" (JSON,
    /// the pair's 1-based index in the array).
    pub fn place(&self, line: u64) -> String {
        match self.format {
            PlanFormat::Csv => format!("line {line}"),
            PlanFormat::Json => format!("pair {line}"),
        }
    }
}

/// Why a plan could not be read. Every message names the plan file and,
/// where known, the line or pair, the bad value and what to do.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{file}: cannot read the plan: {err}; check the path")]
    Io { file: String, err: io::Error },
    #[error("{file}: line {line}: the plan is not valid UTF-8; save it as UTF-8 and try again")]
    NotUtf8 { file: String, line: u64 },
    #[error("{file}: the plan is UTF-16 {}", crate::format::utf16_advice(*json))]
    Utf16 { file: String, json: bool },
    #[error("{file}: the plan is a zip archive, which is what an XLSX workbook is, and a plan is text; save it as CSV (a header primary_id,secondary_id, then a pair a line) or JSON and give that file")]
    Workbook { file: String },
    #[error("{file}: the plan is empty; expected a CSV plan with the header primary_id,secondary_id or a JSON list [{{\"primary\": \"...\", \"secondary\": \"...\"}}]")]
    Empty { file: String },
    #[error("{file}: line 1: the header has no {missing} column (found {found:?}); the first line of a CSV plan must name the columns, e.g. primary_id,secondary_id")]
    MissingHeader {
        file: String,
        /// `primary_id` or `secondary_id`.
        missing: &'static str,
        found: String,
    },
    #[error("{file}: {place}: {what}")]
    Invalid {
        file: String,
        /// "line 4", "pair 3 (entry 3 of the JSON list)", ...
        place: String,
        what: String,
    },
}

const PRIMARY_COLUMN: &str = "primary_id";
const SECONDARY_COLUMN: &str = "secondary_id";

/// Read a plan file (`-` is stdin), in the format its extension names, else
/// the one its content looks like.
pub fn read_plan(path: &Path) -> Result<Plan, PlanError> {
    let (file, res) = crate::format::read_input(path);
    let bytes = res.map_err(|err| PlanError::Io {
        file: file.clone(),
        err,
    })?;
    parse_plan(&bytes, &file, PlanFormat::from_path(path))
}

/// Read a plan held in memory; `file` names it in messages; without a
/// format the content decides.
pub fn parse_plan(bytes: &[u8], file: &str, format: Option<PlanFormat>) -> Result<Plan, PlanError> {
    if bytes.starts_with(crate::format::xlsx::ZIP_MAGIC) {
        return Err(PlanError::Workbook { file: file.into() });
    }
    if [b"\xFF\xFE", b"\xFE\xFF"]
        .iter()
        .any(|m| bytes.starts_with(*m))
    {
        // JSON by its name, else by its first character (every other
        // byte of UTF-16 text is 0).
        let first = bytes[2..]
            .iter()
            .find(|b| !b.is_ascii_whitespace() && **b != 0);
        let json = match format {
            Some(f) => f == PlanFormat::Json,
            None => matches!(first, Some(b'[' | b'{')),
        };
        return Err(PlanError::Utf16 {
            file: file.into(),
            json,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|e| PlanError::NotUtf8 {
        file: file.into(),
        line: bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(PlanError::Empty { file: file.into() });
    }
    let format = format.unwrap_or_else(|| PlanFormat::sniff(text.as_bytes()));
    let pairs = match format {
        PlanFormat::Csv => csv_pairs(text, file)?,
        PlanFormat::Json => json_pairs(text, file)?,
    };
    Ok(Plan {
        file: file.into(),
        format,
        pairs,
    })
}

/// The delimiter of a CSV plan, from its header: `,`, unless the header
/// has none and has `;` (what Excel saves in much of Europe) or a tab.
fn plan_delimiter(text: &str) -> u8 {
    // The header's characters outside quoted cells (`"score, reasons"`).
    let mut quoted = false;
    let header: String = (text.lines().next().unwrap_or("").chars())
        .filter(|&c| {
            quoted ^= c == '"';
            !quoted && c != '"'
        })
        .collect();
    match [',', ';', '\t'].map(|d| header.contains(d)) {
        [false, true, _] => b';',
        [false, false, true] => b'\t',
        _ => b',',
    }
}

/// Where a CSV plan's header has its two id columns (each once).
fn id_columns(
    record: &::csv::StringRecord,
    file: &str,
    delimiter: u8,
) -> Result<(usize, usize), PlanError> {
    let invalid = |line: u64, what: String| PlanError::Invalid {
        file: file.into(),
        place: format!("line {line}"),
        what,
    };
    let column = |name: &'static str| {
        let mut found = record
            .iter()
            .enumerate()
            .filter(|(_, h)| h.trim().eq_ignore_ascii_case(name))
            .map(|(i, _)| i);
        let first = found.next().ok_or_else(|| PlanError::MissingHeader {
            file: file.into(),
            missing: name,
            found: record
                .iter()
                .collect::<Vec<_>>()
                .join(&char::from(delimiter).to_string()),
        })?;
        match found.next() {
            Some(again) => Err(invalid(
                1,
                format!(
                    "columns {} and {} are both {name}; which ids would be merged? remove one of them",
                    first + 1,
                    again + 1
                ),
            )),
            None => Ok(first),
        }
    };
    Ok((column(PRIMARY_COLUMN)?, column(SECONDARY_COLUMN)?))
}

fn csv_pairs(text: &str, file: &str) -> Result<Vec<Pair>, PlanError> {
    let invalid = |line: u64, what: String| PlanError::Invalid {
        file: file.into(),
        place: format!("line {line}"),
        what,
    };
    if let Some(line) = crate::format::csv::open_quote_line(text.as_bytes()) {
        return Err(invalid(
            line as u64,
            "a quoted field is still open at the end of the file: the plan looks truncated; write or download it again".into(),
        ));
    }
    let delimiter = plan_delimiter(text);
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut record = ::csv::StringRecord::new();
    let mut lines = crate::format::csv::LineCounter::new(text);
    let mut read = |record: &mut ::csv::StringRecord,
                    lines: &mut crate::format::csv::LineCounter| {
        rdr.read_record(record).map_err(|e| {
            let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
            invalid(line, format!("malformed CSV: {e}"))
        })
    };
    if !read(&mut record, &mut lines)? {
        return Err(PlanError::Empty { file: file.into() });
    }
    let (pc, sc) = id_columns(&record, file, delimiter)?;
    let mut pairs = Vec::new();
    while read(&mut record, &mut lines)? {
        // A row of delimiters only (what a spreadsheet saves for rows it
        // formatted) is as blank as an empty line.
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        let id = |col: usize, name: &str| {
            match record.get(col).map(str::trim) {
            Some(id) if !id.is_empty() => Ok(id.to_string()),
            Some(_) => Err(invalid(
                line,
                format!("{name} is empty; every row needs both ids: fill it in or remove the line"),
            )),
            None => Err(invalid(
                line,
                format!(
                    "the row has {} field(s) and no {name}; every row needs both ids: fix or remove the line",
                    record.len()
                ),
            )),
        }
        };
        pairs.push(Pair {
            line,
            primary: id(pc, PRIMARY_COLUMN)?,
            secondary: id(sc, SECONDARY_COLUMN)?,
        });
    }
    Ok(pairs)
}

/// A number written as a whole number (digits, perhaps after a minus),
/// however large: serde_json keeps the digits as read.
fn is_whole(n: &serde_json::Number) -> bool {
    let text = n.to_string();
    let digits = text.strip_prefix('-').unwrap_or(&text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

fn json_pairs(text: &str, file: &str) -> Result<Vec<Pair>, PlanError> {
    let (doc, repeated) = crate::format::value::parse(text).map_err(|e| {
        let what = e.to_string();
        let what = match what.rfind(" at line ") {
            Some(i) => what[..i].to_string(),
            None => what,
        };
        PlanError::Invalid {
            file: file.into(),
            place: format!("line {}, column {}", e.line(), e.column()),
            what: format!("malformed JSON: {what}; a JSON plan is a list [{{\"primary\": \"...\", \"secondary\": \"...\"}}, ...]"),
        }
    })?;
    let Value::Array(items) = doc else {
        return Err(PlanError::Invalid {
            file: file.into(),
            place: "top level".into(),
            what: "expected a list [{\"primary\": \"...\", \"secondary\": \"...\"}, ...]".into(),
        });
    };
    // A pair with "primary" twice would merge one of the two silently.
    if let Some(r) = repeated.first() {
        let place = match r.path.first() {
            Some(crate::format::value::Step::Index(i)) => {
                format!("pair {n} (entry {n} of the JSON list)", n = i + 1)
            }
            _ => "top level".into(),
        };
        return Err(PlanError::Invalid {
            file: file.into(),
            place,
            what: format!(
                "the key {} appears more than once in one object; a key may appear once in a JSON object: keep the right one and remove the other",
                Value::String(r.key.clone())
            ),
        });
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let n = i as u64 + 1;
            let invalid = |what: String| PlanError::Invalid {
                file: file.into(),
                place: format!("pair {n} (entry {n} of the JSON list)"),
                what,
            };
            let Value::Object(obj) = item else {
                return Err(invalid(format!(
                    "expected {{\"primary\": \"...\", \"secondary\": \"...\"}}, found {item}"
                )));
            };
            let id = |key: &str| match obj.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
                // Ids are text: a whole number of any size, as written.
                Some(Value::Number(n)) if is_whole(n) => Ok(n.to_string()),
                None => Err(invalid(format!(
                    "\"{key}\" is missing; every pair needs \"primary\" and \"secondary\" record ids"
                ))),
                Some(other) => Err(invalid(format!(
                    "\"{key}\" is {other}; expected a record id (a non-empty string or a whole number)"
                ))),
            };
            Ok(Pair {
                line: n,
                primary: id("primary")?,
                secondary: id("secondary")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> Result<Plan, PlanError> {
        parse_plan(text.as_bytes(), "plan.csv", Some(PlanFormat::Csv))
    }

    fn ids(plan: &Plan) -> Vec<(u64, &str, &str)> {
        plan.pairs
            .iter()
            .map(|p| (p.line, p.primary.as_str(), p.secondary.as_str()))
            .collect()
    }

    #[test]
    fn reads_csv_with_extra_columns_bom_and_crlf() {
        let p = csv("\u{feff}primary_id,secondary_id,score,reasons\r\n1,2,0.9,\"email, name\"\r\n\r\n 3 , 4 ,0.5,phone\r\n")
            .unwrap();
        assert_eq!(ids(&p), [(2, "1", "2"), (4, "3", "4")]);
        assert_eq!(p.format, PlanFormat::Csv);
        assert_eq!(p.place(4), "line 4");
    }

    #[test]
    fn csv_columns_are_found_by_name() {
        let p = csv("score,Secondary_ID,PRIMARY_ID\n0.9,2,1\n").unwrap();
        assert_eq!(ids(&p), [(2, "1", "2")]);
        // A header alone is an empty plan.
        assert!(csv("primary_id,secondary_id\n").unwrap().pairs.is_empty());
    }

    #[test]
    fn csv_without_header_is_refused_with_what_was_found() {
        let e = csv("101,202\n103,204\n").unwrap_err().to_string();
        assert_eq!(
            e,
            "plan.csv: line 1: the header has no primary_id column (found \"101,202\"); the first line of a CSV plan must name the columns, e.g. primary_id,secondary_id"
        );
        let e = csv("primary_id,other\n1,2\n").unwrap_err().to_string();
        assert!(e.contains("no secondary_id column"), "{e}");
    }

    #[test]
    fn a_plan_saved_with_semicolons_or_tabs_is_read() {
        for text in [
            "primary_id;secondary_id;score\n1;2;0.9\n;;\n\"3\";\"4\"\n",
            "primary_id\tsecondary_id\n1\t2\n3\t4\n",
            "primary_id,secondary_id\n1,2\n,,\n3,4\n",
        ] {
            let plan = csv(text).unwrap();
            let pairs: Vec<_> = (plan.pairs.iter())
                .map(|p| (p.primary.as_str(), p.secondary.as_str()))
                .collect();
            assert_eq!(pairs, [("1", "2"), ("3", "4")], "{text:?}");
        }
        // An id with a comma in a `;` plan stays whole; so does a header
        // cell with one.
        let plan = csv("primary_id;secondary_id\n\"1,5\";2\n").unwrap();
        assert_eq!(plan.pairs[0].primary, "1,5");
        let plan = csv("primary_id;secondary_id;\"score, reasons\"\n1;2;\"0.9, x\"\n").unwrap();
        assert_eq!(plan.pairs[0].secondary, "2");
        // What a header without the ids holds, as written.
        let e = csv("primary;secondary\n1;2\n").unwrap_err().to_string();
        assert!(e.contains("(found \"primary;secondary\")"), "{e}");
    }

    #[test]
    fn csv_bad_rows_name_the_line() {
        let e = csv("primary_id,secondary_id\n1,2\n3,\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "plan.csv: line 3: secondary_id is empty; every row needs both ids: fill it in or remove the line"
        );
        let e = csv("primary_id,secondary_id\n1,2\n3\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("plan.csv: line 3: the row has 1 field(s) and no secondary_id"),
            "{e}"
        );
        let e = csv("primary_id,secondary_id\n  ,2\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("plan.csv: line 2: primary_id is empty"),
            "{e}"
        );
        // Blank lines, quoted line breaks and CRLF still give the true line.
        let text = "primary_id,secondary_id,reasons\r\n1,2,\"a\r\nb\"\r\n\r\n\r\n3,4,c\r\n5,,d\r\n";
        let e = csv(text).unwrap_err().to_string();
        assert!(
            e.starts_with("plan.csv: line 7: secondary_id is empty"),
            "{e}"
        );
        let p = csv(&text.replace("5,,d", "5,6,d")).unwrap();
        assert_eq!(ids(&p), [(2, "1", "2"), (6, "3", "4"), (7, "5", "6")]);
    }

    #[test]
    fn csv_with_a_column_twice_or_an_open_quote_is_refused() {
        let e = csv("primary_id,secondary_id,Primary_ID\n1,2,3\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "plan.csv: line 1: columns 1 and 3 are both primary_id; which ids would be merged? remove one of them");
        let e = csv("primary_id,secondary_id\n1,2\n3,\"4\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("plan.csv: line 3: a quoted field is still open"),
            "{e}"
        );
    }

    #[test]
    fn a_utf16_plan_is_explained_as_an_export_is() {
        let utf16 = |text: &str| -> Vec<u8> {
            let mut b = vec![0xFF, 0xFE];
            b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
            b
        };
        let csv_plan = utf16("primary_id,secondary_id\n1,2\n");
        let json_plan = utf16(" [{\"primary\": \"1\", \"secondary\": \"2\"}]");
        for (bytes, format, json) in [
            (&csv_plan, Some(PlanFormat::Csv), false),
            (&csv_plan, None, false),
            (&json_plan, Some(PlanFormat::Json), true),
            (&json_plan, None, true),
        ] {
            let e = parse_plan(bytes, "p", format).unwrap_err().to_string();
            let want = format!(
                "p: the plan is UTF-16 {}",
                crate::format::utf16_advice(json)
            );
            assert_eq!(e, want, "{format:?}");
        }
        assert!(crate::format::utf16_advice(false).contains("\"CSV UTF-8\""));
        assert!(!crate::format::utf16_advice(true).contains("CSV"));
    }

    #[test]
    fn empty_and_non_utf8_plans_are_refused() {
        let e = csv(" \n").unwrap_err().to_string();
        assert!(e.starts_with("plan.csv: the plan is empty"), "{e}");
        let e = parse_plan(b"primary_id,secondary_id\n1,\xff\n", "p", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p: line 2: the plan is not valid UTF-8"),
            "{e}"
        );
        // A plan saved as a workbook is said to be one.
        let e = parse_plan(b"PK\x03\x04\x14\x00\x06\x00", "p.xlsx", None)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("p.xlsx: the plan is a zip archive, which is what an XLSX workbook is"),
            "{e}"
        );
    }

    #[test]
    fn reads_json_with_string_or_number_ids() {
        let p = parse_plan(
            br#"[{"primary": "1", "secondary": 2, "score": 0.9}, {"secondary": " 4 ", "primary": 3}]"#,
            "plan.json",
            None,
        )
        .unwrap();
        assert_eq!(p.format, PlanFormat::Json);
        assert_eq!(ids(&p), [(1, "1", "2"), (2, "3", "4")]);
        assert_eq!(p.place(2), "pair 2");
    }

    #[test]
    fn json_bad_pairs_name_the_pair_and_value() {
        let json = |t: &str| {
            parse_plan(t.as_bytes(), "plan.json", Some(PlanFormat::Json))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            json(r#"[{"primary": "1", "secondary": "2"}, {"primary": true, "secondary": "2"}]"#),
            "plan.json: pair 2 (entry 2 of the JSON list): \"primary\" is true; expected a record id (a non-empty string or a whole number)"
        );
        assert!(json(r#"[{"primary": "1"}]"#)
            .contains("pair 1 (entry 1 of the JSON list): \"secondary\" is missing"));
        assert!(json(r#"[{"primary": "", "secondary": "2"}]"#).contains("\"primary\" is \"\""));
        assert!(json(r#"[{"primary": 1.5, "secondary": "2"}]"#).contains("\"primary\" is 1.5"));
        assert!(json(r#"["1,2"]"#).contains("pair 1"));
        assert!(json(r#"{"primary": "1"}"#).contains("top level: expected a list"));
        let e = json("[\n{\"primary\": \"1\",,}\n]");
        assert!(e.starts_with("plan.json: line 2, column"), "{e}");
        assert!(e.contains("malformed JSON"), "{e}");
    }

    #[test]
    fn json_ids_are_text_of_any_size_and_keys_are_written_once() {
        let p = parse_plan(
            br#"[{"primary": 100000000000000000000, "secondary": 100000000000000000001}, {"primary": -5, "secondary": "6"}]"#,
            "plan.json",
            None,
        )
        .unwrap();
        assert_eq!(
            ids(&p),
            [
                (1, "100000000000000000000", "100000000000000000001"),
                (2, "-5", "6")
            ]
        );
        let json = |t: &str| {
            parse_plan(t.as_bytes(), "plan.json", Some(PlanFormat::Json))
                .unwrap_err()
                .to_string()
        };
        assert!(json(r#"[{"primary": 1e+20, "secondary": "2"}]"#).contains("\"primary\" is 1e+20"));
        assert_eq!(
            json(r#"[{"primary": "1", "secondary": "2"}, {"primary": "3", "secondary": "4", "primary": "5"}]"#),
            "plan.json: pair 2 (entry 2 of the JSON list): the key \"primary\" appears more than once in one object; a key may appear once in a JSON object: keep the right one and remove the other"
        );
    }

    #[test]
    fn format_from_extension_else_sniffed() {
        assert_eq!(
            PlanFormat::from_path(Path::new("a.CSV")),
            Some(PlanFormat::Csv)
        );
        assert_eq!(
            PlanFormat::from_path(Path::new("a.json")),
            Some(PlanFormat::Json)
        );
        assert_eq!(PlanFormat::from_path(Path::new("plan")), None);
        assert_eq!(PlanFormat::sniff(b"\xEF\xBB\xBF [ ]"), PlanFormat::Json);
        assert_eq!(
            PlanFormat::sniff(b"primary_id,secondary_id"),
            PlanFormat::Csv
        );
    }

    #[test]
    fn a_pair_naming_one_contact_twice_parses() {
        let p = csv("primary_id,secondary_id\n7,7\n").unwrap();
        assert_eq!(ids(&p), [(2, "7", "7")]);
    }
}
