//! Dates in every form HubSpot exports use (SPEC section 3), parsed in one
//! place, and the time a property value was set (SPEC section 2).
//! [`regional`]: the forms of other regions (`3/15/2024 2:30 PM`,
//! `12.03.2024 09:14`); [`order`]: which order a file's slashed dates use.

pub mod order;
pub mod record;
pub mod regional;
pub mod value_times;

pub use record::{RecordDate, RecordDates};
pub use regional::{
    file_order, mark_order_unsought, order_unsought, set_file_order, DateOrder, Regional,
};
pub use value_times::{SourceOrigin, ValueTimes};

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};

use crate::model::Contact;

/// A point in time, in milliseconds since the Unix epoch (UTC).
pub type Millis = i64;

/// The written form of a date, so a date the tool makes can be written the
/// way the file writes its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateForm {
    /// `2024-03-01T10:00:00.000Z` (also accepted: other offsets, no
    /// fraction, no zone).
    Iso,
    /// `1709287200000`.
    EpochMillis,
    /// `2024-03-01 10:00` (HubSpot's CSV export).
    Minutes,
    /// `2024-03-01 10:00:00`.
    Seconds,
    /// `2024-03-01`.
    Day,
    /// `3/15/2024 2:30 PM`, `12.03.2024 09:14`, `15/03/2024`, ...
    Regional(Regional),
}

/// Why a date did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' {}", self.reason())]
pub struct DateError {
    pub value: String,
    /// A slashed date whose value does not say which is the day, in a file
    /// that does not say either ([`order`]).
    pub ambiguous: bool,
}

impl DateError {
    /// What is wrong, and what to do, without the value.
    pub fn reason(&self) -> String {
        if self.ambiguous && regional::order_unsought() {
            return format!(
                "could be day first or month first, and an export read from stdin (or a pipe) is read once, so its dates are not looked through to decide: give --date-order dmy or --date-order mdy, or give the file by its path (read: {})",
                order::readings(&self.value)
            );
        }
        if self.ambiguous {
            return format!(
                "could be day first or month first, and the file does not decide (no date in it has a day over 12, or its dates disagree): give --date-order dmy or --date-order mdy (read: {})",
                order::readings(&self.value)
            );
        }
        if let Some(day) = excel_serial_day(&self.value) {
            return format!(
                "looks like an Excel date serial number ({day}), not a date HubSpot writes (its epoch milliseconds have 12 or 13 digits): format the column as a date in the spreadsheet and save it again"
            );
        }
        "is not a date (expected ISO 8601 like 2024-03-01T10:00:00.000Z, epoch milliseconds like 1709287200000, 2024-03-01 10:00 / 2024-03-01 10:00:00 / 2024-03-01, or a regional form like 3/15/2024 2:30 PM, 12.03.2024 09:14, 15/03/2024; years 1000 to 9999)".into()
    }
}

/// Why `value` is not a usable date ([`DateError::reason`]) and what to
/// do, for errors that keep only the value.
pub fn problem(value: &str) -> String {
    match parse_date(value) {
        Err(e) if e.ambiguous => e.reason(),
        Err(e) => format!("{}; correct or clear the value", e.reason()),
        Ok(_) => "is not a usable date; correct or clear the value".into(),
    }
}

/// The largest Excel date serial number (9999-12-31).
const EXCEL_LAST_SERIAL: i64 = 2_958_465;

/// The day an Excel date serial number stands for (`44800`, `44256.385`:
/// days since 1899-12-30, a fraction for the time), when `value` is one: a
/// number of up to seven digits, which as epoch milliseconds would be the
/// first hours of 1970, and is what a spreadsheet writes for a date
/// column left unformatted.
fn excel_serial_day(value: &str) -> Option<String> {
    let v = value.trim();
    let (whole, frac) = v.split_once('.').unwrap_or((v, ""));
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    // Fewer than four digits (before 1902) is no date a spreadsheet of
    // contacts holds: the general message.
    if !(4..=7).contains(&whole.len()) || !digits(whole) || !digits(frac) {
        return None;
    }
    let days: i64 = whole.parse().ok()?;
    if !(1..=EXCEL_LAST_SERIAL).contains(&days) {
        return None;
    }
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    Some(
        (epoch + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string(),
    )
}

/// Earliest and latest instants accepted (years 1000 to 9999), so that
/// arithmetic on them never overflows and every one can be written back.
const MIN_MILLIS: Millis = -30_610_224_000_000; // 1000-01-01
const MAX_MILLIS: Millis = 253_402_300_799_999; // 9999-12-31T23:59:59.999

/// Parse a date in any accepted form, returning the instant and its form.
pub fn parse_date(text: &str) -> Result<(Millis, DateForm), DateError> {
    let s = text.trim();
    let err = || DateError {
        value: text.to_string(),
        ambiguous: false,
    };
    if s.is_empty() {
        return Err(err());
    }
    let bytes = s.as_bytes();
    if let Some(fast) = fast_parse(bytes) {
        return Ok(fast);
    }
    let digits = |b: &[u8]| !b.is_empty() && b.iter().all(u8::is_ascii_digit);
    let parsed = if digits(bytes) || (bytes[0] == b'-' && digits(&bytes[1..])) {
        // Up to seven digits is an Excel serial number (or `0`, some
        // systems' "no date"), not the first hours of 1970, which would
        // win every "oldest" rule (`excel_serial_day`).
        (s.parse::<i64>().ok())
            .filter(|ms| !(bytes.len() <= 7 && (0..=EXCEL_LAST_SERIAL).contains(ms)))
            .map(|ms| (ms, DateForm::EpochMillis))
    } else if s.len() == 10 {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|dt| (Utc.from_utc_datetime(&dt).timestamp_millis(), DateForm::Day))
    } else if s.len() == 16 && bytes[10] == b' ' {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
            .ok()
            .map(|dt| {
                (
                    Utc.from_utc_datetime(&dt).timestamp_millis(),
                    DateForm::Minutes,
                )
            })
    } else if s.len() == 19 && bytes[10] == b' ' {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S")
            .ok()
            .map(|dt| {
                (
                    Utc.from_utc_datetime(&dt).timestamp_millis(),
                    DateForm::Seconds,
                )
            })
    } else {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.timestamp_millis())
            .or_else(|_| {
                NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f")
                    .map(|dt| Utc.from_utc_datetime(&dt).timestamp_millis())
            })
            .ok()
            .map(|ms| (ms, DateForm::Iso))
    };
    let parsed = match parsed {
        Some(p) => Some(p),
        None => regional::parse(s, file_order())
            .map_err(|_| DateError {
                value: text.to_string(),
                ambiguous: true,
            })?
            .map(|(ms, form)| (ms, DateForm::Regional(form))),
    };
    match parsed {
        Some((ms, form)) if (MIN_MILLIS..=MAX_MILLIS).contains(&ms) => Ok((ms, form)),
        _ => Err(err()),
    }
}

/// The forms HubSpot writes most, read without chrono's general parser:
/// `YYYY-MM-DDTHH:MM:SS[.fff]Z`, `YYYY-MM-DD HH:MM` and `YYYY-MM-DD`.
/// Anything else (offsets, other fractions, odd values) gives `None` and is
/// left to the general parser, which gives the same answers.
fn fast_parse(b: &[u8]) -> Option<(Millis, DateForm)> {
    fn num(b: &[u8]) -> Option<i64> {
        let mut n = 0i64;
        for &c in b {
            if !c.is_ascii_digit() {
                return None;
            }
            n = n * 10 + i64::from(c - b'0');
        }
        Some(n)
    }
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(&b[..4])?, num(&b[5..7])?, num(&b[8..10])?);
    if !(1000..=9999).contains(&y) || !(1..=12).contains(&m) {
        return None;
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if d < 1 || d > month_days[(m - 1) as usize] {
        return None;
    }
    let day_ms = days_from_civil(y, m, d) * 86_400_000;
    let hm = |b: &[u8]| -> Option<i64> {
        let (h, mi) = (num(&b[..2])?, num(&b[3..5])?);
        (b[2] == b':' && h < 24 && mi < 60).then_some((h * 60 + mi) * 60_000)
    };
    match b.len() {
        10 => Some((day_ms, DateForm::Day)),
        16 if b[10] == b' ' => Some((day_ms + hm(&b[11..16])?, DateForm::Minutes)),
        20 | 24 if b[10] == b'T' && b[b.len() - 1] == b'Z' && b[16] == b':' => {
            let sec = num(&b[17..19])?;
            if sec >= 60 {
                return None;
            }
            let millis = if b.len() == 24 {
                if b[19] != b'.' {
                    return None;
                }
                num(&b[20..23])?
            } else {
                0
            };
            Some((
                day_ms + hm(&b[11..16])? + sec * 1000 + millis,
                DateForm::Iso,
            ))
        }
        _ => None,
    }
}

/// The forms HubSpot writes most, without chrono's general formatter.
fn fast_format(ms: Millis, form: DateForm) -> Option<String> {
    let len = match form {
        DateForm::Iso => 24,
        DateForm::Minutes => 16,
        DateForm::Seconds => 19,
        DateForm::Day => 10,
        DateForm::EpochMillis | DateForm::Regional(_) => return None,
    };
    let days = ms.div_euclid(86_400_000);
    let rest = ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let (h, mi, sec, milli) = (
        rest / 3_600_000,
        rest / 60_000 % 60,
        rest / 1000 % 60,
        rest % 1000,
    );
    let mut b = [0u8; 24];
    let mut put = |at: usize, n: i64, width: usize| {
        let mut n = n;
        for k in (0..width).rev() {
            b[at + k] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, y, 4);
    put(5, m, 2);
    put(8, d, 2);
    put(11, h, 2);
    put(14, mi, 2);
    put(17, sec, 2);
    put(20, milli, 3);
    b[4] = b'-';
    b[7] = b'-';
    b[10] = if form == DateForm::Iso { b'T' } else { b' ' };
    b[13] = b':';
    b[16] = b':';
    b[19] = b'.';
    b[23] = b'Z';
    String::from_utf8(b[..len].to_vec()).ok()
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Parse a date, any form, to its instant.
pub fn parse_millis(text: &str) -> Result<Millis, DateError> {
    parse_date(text).map(|(ms, _)| ms)
}

/// Write an instant in the given form (UTC).
pub fn format_date(ms: Millis, form: DateForm) -> String {
    let ms = ms.clamp(MIN_MILLIS, MAX_MILLIS);
    if let Some(fast) = fast_format(ms, form) {
        return fast;
    }
    let dt = Utc
        .timestamp_millis_opt(ms)
        .single()
        .expect("clamped instants are in range");
    match form {
        DateForm::Iso => dt.to_rfc3339_opts(SecondsFormat::Millis, true),
        DateForm::EpochMillis => ms.to_string(),
        DateForm::Minutes => dt.format("%Y-%m-%d %H:%M").to_string(),
        DateForm::Seconds => dt.format("%Y-%m-%d %H:%M:%S").to_string(),
        DateForm::Day => dt.format("%Y-%m-%d").to_string(),
        DateForm::Regional(r) => regional::format(ms, r),
    }
}

/// Parse an RFC 3339 time given on the command line (`--merge-time`).
pub fn parse_rfc3339(text: &str) -> Result<Millis, DateError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|d| d.timestamp_millis())
        .ok()
        .filter(|ms| (MIN_MILLIS..=MAX_MILLIS).contains(ms))
        .ok_or_else(|| DateError {
            value: text.to_string(),
            ambiguous: false,
        })
}

/// A date that did not parse, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("contact {record}: {field} {source}")]
pub struct BadDate {
    pub record: String,
    /// The property, or `propertiesWithHistory.<prop>`, or `updatedAt`, ...
    pub field: String,
    #[source]
    pub source: DateError,
}

/// When a property's current value was set (SPEC section 2):
/// 1. the newest entry of `propertiesWithHistory[prop]`;
/// 2. else the contact's `lastmodifieddate` property, or `updatedAt`;
/// 3. else its `createdate` property, or `createdAt`.
///
/// `None` means the contact has none of these: it is older than any contact
/// that has one. (A merge asks through [`RecordDates`], which parses each
/// of the contact's dates once.)
pub fn value_time(contact: &Contact, prop: &str) -> Result<Option<Millis>, BadDate> {
    RecordDates::new(contact).value_time(prop)
}

/// When the contact was created: `createdate`, else `createdAt`.
pub fn created_time(contact: &Contact) -> Result<Option<Millis>, BadDate> {
    RecordDates::new(contact).created_time()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excel_serial_number_is_no_date_and_says_what_it_looks_like() {
        for v in ["44800", "1000", "2958465", "44256.385", " 45000 "] {
            let e = parse_millis(v).unwrap_err();
            assert!(
                e.reason()
                    .contains("looks like an Excel date serial number"),
                "{v}: {e}"
            );
        }
        assert!(parse_millis("44800")
            .unwrap_err()
            .reason()
            .contains("(2022-08-27)"));
        assert!(parse_millis("45000.5")
            .unwrap_err()
            .reason()
            .contains("(2023-03-15)"));
        // Epoch milliseconds as HubSpot writes them, and the epoch itself.
        assert_eq!(parse_millis("1704067200000"), Ok(1_704_067_200_000));
        assert_eq!(parse_millis("10000000"), Ok(10_000_000));
        // Not a serial number: the general message, and a small number
        // is no date either.
        for v in ["12345678.5", "17", "0"] {
            let e = parse_millis(v).unwrap_err();
            assert!(e.reason().starts_with("is not a date"), "{v}: {e}");
        }
    }
    use crate::model::{key, HistoryEntry};
    use indexmap::IndexMap;
    use serde_json::Value;

    const T: Millis = 1_709_287_200_000; // 2024-03-01T10:00:00Z

    #[test]
    fn parses_every_form() {
        assert_eq!(
            parse_date("2024-03-01T10:00:00.000Z"),
            Ok((T, DateForm::Iso))
        );
        assert_eq!(parse_date("2024-03-01T10:00:00Z"), Ok((T, DateForm::Iso)));
        assert_eq!(
            parse_date("2024-03-01T11:00:00+01:00"),
            Ok((T, DateForm::Iso))
        );
        assert_eq!(parse_date("2024-03-01T10:00:00"), Ok((T, DateForm::Iso)));
        assert_eq!(parse_date("1709287200000"), Ok((T, DateForm::EpochMillis)));
        assert_eq!(parse_date("2024-03-01 10:00"), Ok((T, DateForm::Minutes)));
        assert_eq!(
            parse_date("2024-03-01 10:00:00"),
            Ok((T, DateForm::Seconds))
        );
        assert_eq!(
            parse_date("2024-03-01"),
            Ok((T - 10 * 3_600_000, DateForm::Day))
        );
        assert_eq!(
            parse_date(" 2024-03-01 "),
            Ok((T - 36_000_000, DateForm::Day))
        );
    }

    #[test]
    fn the_fast_path_agrees_with_chrono() {
        use chrono::{Datelike, Duration, NaiveDate};
        let mut day = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap();
        let mut k = 0u32;
        while day <= end {
            let (h, m, s, ms) = (k % 24, (k * 7) % 60, (k * 13) % 60, (k * 37) % 1000);
            for text in [
                format!("{day}"),
                format!("{day} {h:02}:{m:02}"),
                format!("{day}T{h:02}:{m:02}:{s:02}Z"),
                format!("{day}T{h:02}:{m:02}:{s:02}.{ms:03}Z"),
            ] {
                let fast = fast_parse(text.as_bytes()).unwrap_or_else(|| panic!("{text}"));
                let general = DateTime::parse_from_rfc3339(&text)
                    .map(|d| d.timestamp_millis())
                    .or_else(|_| {
                        NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M")
                            .map(|d| d.and_utc().timestamp_millis())
                    })
                    .unwrap_or_else(|_| {
                        NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                            .unwrap()
                            .and_hms_opt(0, 0, 0)
                            .unwrap()
                            .and_utc()
                            .timestamp_millis()
                    });
                assert_eq!(fast.0, general, "{text}");
            }
            // Every day of a few years, then a stride through the rest.
            day += if (1999..2001).contains(&day.year()) {
                Duration::days(1)
            } else {
                Duration::days(97)
            };
            k += 1;
        }
        for bad in [
            "2023-02-29",
            "2024-04-31",
            "2024-00-10",
            "2024-01-01 24:00",
            "2024-01-01T10:00:60Z",
            "0999-01-01",
        ] {
            assert_eq!(fast_parse(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn the_fast_formatter_agrees_with_chrono() {
        let mut ms = MIN_MILLIS;
        let step = 86_400_000 * 37 + 3_600_000 * 5 + 60_000 * 7 + 1000 * 11 + 13;
        while ms <= MAX_MILLIS {
            let dt = Utc.timestamp_millis_opt(ms).single().unwrap();
            for (form, expected) in [
                (
                    DateForm::Iso,
                    dt.to_rfc3339_opts(SecondsFormat::Millis, true),
                ),
                (DateForm::Minutes, dt.format("%Y-%m-%d %H:%M").to_string()),
                (
                    DateForm::Seconds,
                    dt.format("%Y-%m-%d %H:%M:%S").to_string(),
                ),
                (DateForm::Day, dt.format("%Y-%m-%d").to_string()),
            ] {
                assert_eq!(fast_format(ms, form).unwrap(), expected, "{ms}");
            }
            ms += step;
        }
    }

    #[test]
    fn refuses_garbage_and_out_of_range() {
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30 10:00",
            "99999999999999999999",
            "9999999999999999",
            "-",
            "2024-03-01T25:00:00Z",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn writes_every_form_back() {
        for s in [
            "2024-03-01T10:00:00.000Z",
            "1709287200000",
            "2024-03-01 10:00",
            "2024-03-01 10:00:00",
            "2024-03-01",
        ] {
            let (ms, form) = parse_date(s).unwrap();
            assert_eq!(format_date(ms, form), s);
        }
    }

    #[test]
    fn regional_forms_through_parse_date() {
        // No order is set for the process in unit tests.
        assert_eq!(
            parse_date("3/1/2024 10:00 AM").unwrap_err(),
            DateError {
                value: "3/1/2024 10:00 AM".into(),
                ambiguous: true
            }
        );
        let (ms, form) = parse_date("15/03/2024 10:00").unwrap();
        assert_eq!(ms, T + 14 * 86_400_000);
        assert!(matches!(form, DateForm::Regional(_)));
        assert_eq!(format_date(ms, form), "15/03/2024 10:00");
        assert_eq!(parse_millis("01.03.2024 10:00"), Ok(T));
        assert_eq!(parse_millis("3/1/2024 10:00 AM").ok(), None);
        assert_eq!(parse_millis("3/15/2024 10:00 AM"), Ok(T + 14 * 86_400_000));
    }

    #[test]
    fn messages_say_what_to_do() {
        let ambiguous = parse_date("03/04/2024").unwrap_err().to_string();
        assert!(
            ambiguous.starts_with("'03/04/2024' could be day first or month first"),
            "{ambiguous}"
        );
        assert!(
            ambiguous.contains("give --date-order dmy or --date-order mdy"),
            "{ambiguous}"
        );
        assert!(
            ambiguous.contains("day first 2024-04-03, month first 2024-03-04"),
            "{ambiguous}"
        );
        assert!(problem("03/04/2024").ends_with("month first 2024-03-04)"));
        let bad = problem("soon");
        assert!(bad.starts_with("is not a date"), "{bad}");
        assert!(bad.ends_with("; correct or clear the value"), "{bad}");
    }

    #[test]
    fn merge_time_is_rfc3339_only() {
        assert_eq!(parse_rfc3339("2024-03-01T10:00:00Z"), Ok(T));
        assert!(parse_rfc3339("2024-03-01").is_err());
    }

    /// Contact 7 with these properties.
    fn contact(props: &[(&str, &str)]) -> Contact {
        crate::rules::testutil::contact("7", props)
    }

    #[test]
    fn value_time_prefers_newest_history_entry() {
        let mut c = contact(&[("lastmodifieddate", "2020-01-01")]);
        let mut h = IndexMap::new();
        h.insert(
            "phone".to_string(),
            vec![
                HistoryEntry::new("2", "2024-03-01T10:00:00.000Z", "CRM_UI"),
                HistoryEntry::new("1", "2023-03-01T10:00:00.000Z", "CRM_UI"),
            ],
        );
        c.history = Some(h);
        assert_eq!(value_time(&c, "phone"), Ok(Some(T)));
        // Another property falls back to lastmodifieddate.
        assert_eq!(
            value_time(&c, "firstname"),
            Ok(Some(parse_millis("2020-01-01").unwrap()))
        );
    }

    #[test]
    fn value_time_falls_back_to_updated_then_created() {
        let mut c = contact(&[]);
        c.set_section(
            key::CREATED_AT,
            Value::String("2019-01-01T00:00:00Z".into()),
        );
        assert_eq!(
            value_time(&c, "x"),
            Ok(Some(parse_millis("2019-01-01").unwrap()))
        );
        c.set_section(
            key::UPDATED_AT,
            Value::String("2021-01-01T00:00:00Z".into()),
        );
        assert_eq!(
            value_time(&c, "x"),
            Ok(Some(parse_millis("2021-01-01").unwrap()))
        );
        let c = contact(&[("createdate", "1709287200000")]);
        assert_eq!(value_time(&c, "x"), Ok(Some(T)));
    }

    #[test]
    fn value_time_none_without_any_date() {
        assert_eq!(
            value_time(&contact(&[("firstname", "A")]), "firstname"),
            Ok(None)
        );
    }

    #[test]
    fn value_time_names_the_bad_date() {
        let c = contact(&[("lastmodifieddate", "soon")]);
        let err = value_time(&c, "x").unwrap_err();
        assert_eq!(err.record, "7");
        assert_eq!(err.field, "lastmodifieddate");
        assert_eq!(err.source.value, "soon");
    }
}
