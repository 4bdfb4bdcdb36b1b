//! Dates as exports and spreadsheets write them outside the ISO forms
//! (SPEC section 3, "Real-world shapes"): `3/15/2024 2:30 PM` (US),
//! `12.03.2024 09:14` (German and others), `15/03/2024` (UK and others),
//! each with or without a time. A dotted date is always day first; a
//! slashed one may be either, and when its value does not say (`03/04/2024`)
//! the file decides ([`super::order`]).

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU8, Ordering};

use chrono::NaiveDate;

use super::{days_from_civil, Millis};

/// Which comes first in a slashed date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DateOrder {
    /// Day, month, year (`15/03/2024`).
    Dmy,
    /// Month, day, year (`3/15/2024`).
    Mdy,
}

impl fmt::Display for DateOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DateOrder::Dmy => "dmy",
            DateOrder::Mdy => "mdy",
        })
    }
}

impl FromStr for DateOrder {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" => Ok(DateOrder::Dmy),
            "mdy" => Ok(DateOrder::Mdy),
            _ => Err(format!("'{s}' is not a date order: give dmy or mdy")),
        }
    }
}

/// The time part of a regional date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// A date alone.
    None,
    /// `09:14` (24-hour).
    Minutes,
    /// `09:14:05` (24-hour).
    Seconds,
    /// `2:30 PM`, `2:30:05 PM`; `lower`: `pm`.
    AmPm { seconds: bool, lower: bool },
}

/// A regional date form: separator, order, padding and time part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Regional {
    /// `/` or `.`.
    pub sep: u8,
    pub order: DateOrder,
    /// Day and month with two digits (`03.04.2024`, not `3.4.2024`).
    pub pad: bool,
    pub clock: Clock,
}

/// A slashed date whose value does not say which is the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ambiguous;

/// 0: not decided; 1: day first; 2: month first.
static FILE_ORDER: AtomicU8 = AtomicU8::new(0);

/// The order of ambiguous slashed dates for the export this process reads,
/// as [`super::order::decide`] found it: set once by the command line
/// before a command reads its export (every thread of the command reads
/// the same file, so the setting is the process's).
pub fn set_file_order(order: Option<DateOrder>) {
    let n = match order {
        None => 0,
        Some(DateOrder::Dmy) => 1,
        Some(DateOrder::Mdy) => 2,
    };
    FILE_ORDER.store(n, Ordering::Relaxed);
    UNSOUGHT.store(false, Ordering::Relaxed);
}

/// The export's order was not looked for: it can be read only once
/// (stdin, a pipe) and the command does not hold it whole, so only
/// `--date-order` could decide ([`mark_order_unsought`]).
static UNSOUGHT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Note that the order of this run's export was not looked for (until
/// the next [`set_file_order`]): an ambiguous date then says so, rather
/// than that the file does not decide.
pub fn mark_order_unsought() {
    UNSOUGHT.store(true, Ordering::Relaxed);
}

/// Whether [`mark_order_unsought`] was called since the last
/// [`set_file_order`].
pub fn order_unsought() -> bool {
    UNSOUGHT.load(Ordering::Relaxed)
}

/// The order set by [`set_file_order`].
pub fn file_order() -> Option<DateOrder> {
    match FILE_ORDER.load(Ordering::Relaxed) {
        1 => Some(DateOrder::Dmy),
        2 => Some(DateOrder::Mdy),
        _ => None,
    }
}

/// The parts of a regional date as written, before the order is known.
struct Parts<'a> {
    first: &'a str,
    second: &'a str,
    year: i32,
    sep: u8,
    /// Hour (0-23), minute, second.
    time: (u32, u32, u32),
    clock: Clock,
}

fn number(s: &str, widths: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (widths.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn split(s: &str) -> Option<Parts<'_>> {
    let (date, time) = match s.split_once(' ') {
        Some((d, t)) => (d, Some(t.trim_start())),
        None => (s, None),
    };
    let sep = if date.contains('/') { b'/' } else { b'.' };
    let mut it = date.split(sep as char);
    let (first, second, year) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || number(first, 1..=2).is_none() || number(second, 1..=2).is_none() {
        return None;
    }
    let year = number(year, 4..=4)? as i32;
    let (time, clock) = match time {
        None => ((0, 0, 0), Clock::None),
        Some(t) => clock(t)?,
    };
    Some(Parts {
        first,
        second,
        year,
        sep,
        time,
        clock,
    })
}

/// `14:30`, `14:30:05`, `2:30 PM`, `2:30:05 pm`.
fn clock(t: &str) -> Option<((u32, u32, u32), Clock)> {
    let (hms, meridiem) = match t.rsplit_once(' ') {
        Some((hms, m)) => (hms, Some(m)),
        None => (t, None),
    };
    let mut it = hms.split(':');
    let h = number(it.next()?, 1..=2)?;
    let mi = number(it.next()?, 2..=2)?;
    let sec = it.next().map(|s| number(s, 2..=2));
    if it.next().is_some() || mi > 59 || sec.flatten().is_some_and(|s| s > 59) {
        return None;
    }
    let seconds = sec.is_some();
    let sec = match sec {
        Some(s) => s?,
        None => 0,
    };
    let Some(m) = meridiem else {
        let clock = if seconds {
            Clock::Seconds
        } else {
            Clock::Minutes
        };
        return (h < 24).then_some(((h, mi, sec), clock));
    };
    let pm = match m.to_ascii_uppercase().as_str() {
        "AM" => false,
        "PM" => true,
        _ => return None,
    };
    if !(1..=12).contains(&h) {
        return None;
    }
    let lower = m.bytes().all(|b| b.is_ascii_lowercase());
    let h24 = h % 12 + if pm { 12 } else { 0 };
    Some(((h24, mi, sec), Clock::AmPm { seconds, lower }))
}

/// Parse a regional date: `Ok(None)` when `s` is not one, [`Ambiguous`]
/// when it is a slashed date whose value does not say which is the day
/// and `order` does not either.
pub(super) fn parse(
    s: &str,
    order: Option<DateOrder>,
) -> Result<Option<(Millis, Regional)>, Ambiguous> {
    let Some(p) = split(s) else {
        return Ok(None);
    };
    let (a, b) = (
        number(p.first, 1..=2).unwrap_or(0),
        number(p.second, 1..=2).unwrap_or(0),
    );
    let order = if p.sep == b'.' {
        DateOrder::Dmy
    } else {
        match (a > 12, b > 12) {
            (true, true) => return Ok(None),
            (true, false) => DateOrder::Dmy,
            (false, true) => DateOrder::Mdy,
            // Either reading gives the same day.
            _ if a == b => order.unwrap_or(DateOrder::Mdy),
            _ => order.ok_or(Ambiguous)?,
        }
    };
    let (day, month) = match order {
        DateOrder::Dmy => (a, b),
        DateOrder::Mdy => (b, a),
    };
    if NaiveDate::from_ymd_opt(p.year, month, day).is_none() {
        return Ok(None);
    }
    let pad = if p.first.len() == 1 || p.second.len() == 1 {
        false
    } else if p.first.starts_with('0') || p.second.starts_with('0') {
        true
    } else {
        !matches!(p.clock, Clock::AmPm { .. })
    };
    let (h, mi, sec) = p.time;
    let days = days_from_civil(i64::from(p.year), i64::from(month), i64::from(day));
    let ms = days * 86_400_000 + (i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(sec)) * 1000;
    let form = Regional {
        sep: p.sep,
        order,
        pad,
        clock: p.clock,
    };
    Ok(Some((ms, form)))
}

/// What a slashed date's value says of the order: `Some` when the day is
/// over 12 (`15/03/2024`, `3/15/2024`), `None` for anything else (an
/// ambiguous date, a dotted one, not a date).
pub fn order_shown(s: &str) -> Option<DateOrder> {
    let p = split(s.trim()).filter(|p| p.sep == b'/')?;
    match parse(s.trim(), Some(DateOrder::Mdy)) {
        Ok(Some((_, form))) => {
            let (a, b) = (number(p.first, 1..=2)?, number(p.second, 1..=2)?);
            ((a > 12) != (b > 12)).then_some(form.order)
        }
        _ => None,
    }
}

/// Write an instant (UTC) in a regional form. Seconds and milliseconds the
/// form has no place for are dropped.
pub(super) fn format(ms: Millis, form: Regional) -> String {
    let dt = chrono::DateTime::from_timestamp_millis(ms)
        .expect("clamped instants are in range")
        .naive_utc();
    use chrono::{Datelike, Timelike};
    let (d, m) = (dt.day(), dt.month());
    let (a, b) = match form.order {
        DateOrder::Dmy => (d, m),
        DateOrder::Mdy => (m, d),
    };
    let sep = form.sep as char;
    let mut out = if form.pad {
        format!("{a:02}{sep}{b:02}{sep}{:04}", dt.year())
    } else {
        format!("{a}{sep}{b}{sep}{:04}", dt.year())
    };
    let (h, mi, s) = (dt.hour(), dt.minute(), dt.second());
    match form.clock {
        Clock::None => {}
        Clock::Minutes => out += &format!(" {h:02}:{mi:02}"),
        Clock::Seconds => out += &format!(" {h:02}:{mi:02}:{s:02}"),
        Clock::AmPm { seconds, lower } => {
            let h12 = if h % 12 == 0 { 12 } else { h % 12 };
            out += &format!(" {h12}:{mi:02}");
            if seconds {
                out += &format!(":{s:02}");
            }
            out += match (h >= 12, lower) {
                (false, false) => " AM",
                (true, false) => " PM",
                (false, true) => " am",
                (true, true) => " pm",
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Millis {
        days_from_civil(y, mo, d) * 86_400_000 + (h * 3600 + mi * 60 + s) * 1000
    }

    fn form(sep: u8, order: DateOrder, pad: bool, clock: Clock) -> Regional {
        Regional {
            sep,
            order,
            pad,
            clock,
        }
    }

    #[test]
    fn us_dates_with_am_pm() {
        let us = |pad, seconds| {
            form(
                b'/',
                DateOrder::Mdy,
                pad,
                Clock::AmPm {
                    seconds,
                    lower: false,
                },
            )
        };
        assert_eq!(
            parse("3/15/2024 2:30 PM", None),
            Ok(Some((at(2024, 3, 15, 14, 30, 0), us(false, false))))
        );
        assert_eq!(
            parse("12/15/2024 12:05 AM", None),
            Ok(Some((at(2024, 12, 15, 0, 5, 0), us(false, false))))
        );
        assert_eq!(
            parse("3/15/2024 12:00:09 PM", None),
            Ok(Some((at(2024, 3, 15, 12, 0, 9), us(false, true))))
        );
        assert_eq!(
            parse("03/15/2024 11:59 pm", None).map(|r| r.map(|(ms, _)| ms)),
            Ok(Some(at(2024, 3, 15, 23, 59, 0)))
        );
        assert_eq!(parse("3/15/2024 13:30 PM", None), Ok(None));
        assert_eq!(parse("3/15/2024 0:30 AM", None), Ok(None));
    }

    #[test]
    fn dotted_dates_are_day_first() {
        let de = |clock| form(b'.', DateOrder::Dmy, true, clock);
        assert_eq!(
            parse("12.03.2024 09:14", None),
            Ok(Some((at(2024, 3, 12, 9, 14, 0), de(Clock::Minutes))))
        );
        assert_eq!(
            parse("12.03.2024 09:14:30", None),
            Ok(Some((at(2024, 3, 12, 9, 14, 30), de(Clock::Seconds))))
        );
        assert_eq!(
            parse("01.02.2024", None),
            Ok(Some((at(2024, 2, 1, 0, 0, 0), de(Clock::None))))
        );
        assert_eq!(parse("12.13.2024", None), Ok(None));
        assert_eq!(parse("31.04.2024", None), Ok(None));
    }

    #[test]
    fn slashed_dates_take_the_order_their_value_shows() {
        assert_eq!(
            parse("15/03/2024", None),
            Ok(Some((
                at(2024, 3, 15, 0, 0, 0),
                form(b'/', DateOrder::Dmy, true, Clock::None)
            )))
        );
        assert_eq!(
            parse("15/03/2024 18:00", Some(DateOrder::Mdy)).map(|r| r.map(|(ms, f)| (ms, f.order))),
            Ok(Some((at(2024, 3, 15, 18, 0, 0), DateOrder::Dmy)))
        );
        assert_eq!(parse("13/13/2024", None), Ok(None));
        assert_eq!(parse("2/30/2024", None), Ok(None));
    }

    #[test]
    fn an_ambiguous_date_needs_an_order() {
        assert_eq!(parse("03/04/2024", None), Err(Ambiguous));
        assert_eq!(
            parse("03/04/2024", Some(DateOrder::Dmy)).map(|r| r.map(|(ms, _)| ms)),
            Ok(Some(at(2024, 4, 3, 0, 0, 0)))
        );
        assert_eq!(
            parse("03/04/2024", Some(DateOrder::Mdy)).map(|r| r.map(|(ms, _)| ms)),
            Ok(Some(at(2024, 3, 4, 0, 0, 0)))
        );
        // The same day either way.
        assert_eq!(
            parse("05/05/2024", None).map(|r| r.map(|(ms, _)| ms)),
            Ok(Some(at(2024, 5, 5, 0, 0, 0)))
        );
    }

    #[test]
    fn order_shown_by_a_value() {
        assert_eq!(order_shown("3/15/2024 2:30 PM"), Some(DateOrder::Mdy));
        assert_eq!(order_shown("15/03/2024"), Some(DateOrder::Dmy));
        for none in ["03/04/2024", "15.03.2024", "2024-03-15", "x/15/2024", "1/2"] {
            assert_eq!(order_shown(none), None, "{none}");
        }
    }

    #[test]
    fn not_regional() {
        for s in [
            "",
            "2024-03-01",
            "1/2",
            "1/2/24",
            "a/b/2024",
            "1/2/2024 9",
            "1/2/2024 9:5",
            "1/2/2024 9:05 XM",
            "1/2/2024/1",
            "001/02/2024",
        ] {
            assert_eq!(parse(s, Some(DateOrder::Mdy)), Ok(None), "{s}");
        }
    }

    #[test]
    fn every_form_reads_back_what_it_writes() {
        let clocks = [
            Clock::None,
            Clock::Minutes,
            Clock::Seconds,
            Clock::AmPm {
                seconds: false,
                lower: false,
            },
            Clock::AmPm {
                seconds: true,
                lower: true,
            },
        ];
        let mut forms = Vec::new();
        for (sep, order) in [
            (b'/', DateOrder::Dmy),
            (b'/', DateOrder::Mdy),
            (b'.', DateOrder::Dmy),
        ] {
            for pad in [false, true] {
                for clock in clocks {
                    forms.push(form(sep, order, pad, clock));
                }
            }
        }
        // From 1000-01-01 to 9999-12-31, a stride that visits every hour
        // of the day and both halves of it.
        let mut ms = at(1000, 1, 1, 0, 0, 0);
        let step = 86_400_000 * 131 + 3_600_000 * 7 + 60_000 * 13 + 1000 * 17;
        while ms <= at(9999, 12, 31, 0, 0, 0) {
            for f in &forms {
                let text = format(ms, *f);
                let (back, read) = parse(&text, Some(f.order))
                    .unwrap_or_else(|_| panic!("{text}"))
                    .unwrap_or_else(|| panic!("{text}"));
                let kept = match f.clock {
                    Clock::None => ms - ms.rem_euclid(86_400_000),
                    Clock::Minutes | Clock::AmPm { seconds: false, .. } => {
                        ms - ms.rem_euclid(60_000)
                    }
                    _ => ms,
                };
                assert_eq!(back, kept, "{text}");
                assert_eq!(format(back, read), text, "{text}");
            }
            ms += step;
        }
    }

    #[test]
    fn writes_back_in_the_form_read() {
        for s in [
            "3/15/2024 2:30 PM",
            "12/15/2024 12:05 AM",
            "3/5/2024 12:00:09 pm",
            "03/15/2024 2:30 PM",
            "12.03.2024 09:14",
            "12.03.2024 09:14:30",
            "01.02.2024",
            "15/03/2024",
            "15/03/2024 18:00",
            "3.4.2024",
        ] {
            let (ms, form) = parse(s, Some(DateOrder::Mdy)).unwrap().unwrap();
            assert_eq!(format(ms, form), s);
        }
        let (ms, form) = parse("04/03/2024", Some(DateOrder::Dmy)).unwrap().unwrap();
        assert_eq!(format(ms, form), "04/03/2024");
    }
}
