//! Cells a spreadsheet would run as formulas ("CSV injection"): a value
//! that starts with `=`, `+`, `-` or `@`, or with a tab or carriage return
//! (the characters OWASP lists). Such values are legal data and are
//! written back as read; `check` reports them, and `--sanitize-formulas`
//! neutralises them in CSV output with a leading `'`, as OWASP advises.
//!
//! Plain numbers and phone numbers (`-5`, `+3.5`, `+1 (555) 010-0199`)
//! and the placeholder `-` are common in exports and are left alone: a
//! sign followed only by digits, spaces and `.,()/-` can compute at most
//! arithmetic on constants; it can name no function, no cell and no other
//! program, and prefixing it would turn counters into text.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
pub const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a spreadsheet opening a CSV holding `value` would run it as a
/// formula (plain numbers and phone numbers excepted; see the module).
pub fn is_formula(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if !TRIGGERS.contains(&first) {
        return false;
    }
    !is_plain_number(value)
}

/// A sign followed by nothing but digits, spaces and `.,()/-`: `-5`,
/// `+3.25`, `-1,5`, `+1 (555) 010-0199`, `+44 20 7946 0958`, and the
/// placeholders `-` and `+`.
fn is_plain_number(value: &str) -> bool {
    let Some(rest) = value.strip_prefix(['+', '-']) else {
        return false;
    };
    let plain = rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | ',' | '(' | ')' | '/' | '-'));
    // A number in scientific notation (`-1.5e3`): a number to a
    // spreadsheet too. Only digits, a point, an exponent and its sign: a
    // name such as `inf` after the sign would be run.
    let scientific = rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && rest.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && rest.parse::<f64>().is_ok();
    plain || scientific
}

/// The cell as written with `--sanitize-formulas`: a formula gets a
/// leading `'`, anything else is unchanged.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    if is_formula(value) {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_found() {
        for v in [
            "=1+1",
            "=HYPERLINK(\"http://x.example\",\"click\")",
            "+SUM(A1:A2)",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "@jane",
            "\t=1",
            "\r=1",
            "=",
            "-+1",
            "+1 555 0100 ext. 12",
            "-inf",
            "-e5",
            "-1e5+A1",
        ] {
            assert!(is_formula(v), "{v:?}");
            assert_eq!(neutralise(v), format!("'{v}"));
        }
    }

    #[test]
    fn data_is_left_alone() {
        for v in [
            "",
            "Jane",
            "jane@x.example",
            "-5",
            "+3.25",
            "-1,5",
            "+1 (555) 010-0199",
            "+44 20 7946 0958",
            "-12/05",
            "-1e5",
            "-1.5e3",
            "+2E-4",
            "-",
            "+",
            "--",
            " =1",
            "'=1",
            "a=b",
        ] {
            assert!(!is_formula(v), "{v:?}");
            assert_eq!(neutralise(v), v);
        }
    }
}
