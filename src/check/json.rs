//! A JSON record read in place for the checks: the fields a [`Contact`]
//! parsed from the record would have ([`crate::format::json::parse_contact`]:
//! the properties in order, a number as its digits, `true`/`false` as
//! text, `null` as no value; `createdAt` and `updatedAt`; the history
//! entries' timestamps; the association ids), found by one walk over the
//! record's bytes that notes where each value is, without building the
//! contact or a tree of its values.
//!
//! Only records the reader's light check found sound are read so: valid
//! JSON, no key written twice, no key with an escape, sections of the
//! right shape. Anything else the walk meets makes it give up
//! ([`Spans::read`] gives `None`) and the record is parsed in full.
//!
//! [`Contact`]: crate::model::Contact

use std::borrow::Cow;
use std::ops::Range;

use super::fields::{Fields, Kind};
use crate::model::key;

/// Property names whose kind one reader remembers, at most.
const KINDS_MET: usize = 4096;

/// Where a scalar is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Val {
    /// `null`, or no value.
    #[default]
    None,
    /// An object or an array: no text.
    Tree,
    /// A string's content without its quotes (no escape in it), a
    /// number's digits, `true` or `false`: a range of the record's text.
    Text(usize, usize),
    /// A string with an escape, decoded: a range of [`Spans::decoded`].
    Decoded(usize, usize),
    /// A number with an exponent, as the walk finds it (its text is
    /// spelled as the full parse spells it: [`Spans::value`]).
    Exponent(usize, usize),
}

/// Where a record's values are, kept from one record to the next (their
/// buffers are reused).
#[derive(Default)]
pub(crate) struct Spans {
    /// Each property: its name's range, its value, its kind.
    props: Vec<(Range<usize>, Val, Kind)>,
    /// `createdAt` and `updatedAt`.
    meta: [Val; 2],
    /// Each history entry's timestamp, with its property's name.
    history: Vec<(Range<usize>, Val)>,
    /// Each engagement's timestamp that is text.
    engagements: Vec<Val>,
    /// Each association kind's name and its ids (a range of `ids`).
    assocs: Vec<(Range<usize>, Range<usize>)>,
    ids: Vec<Val>,
    /// Strings with escapes, decoded.
    decoded: String,
    /// The kind of each property name met.
    kinds: rustc_hash::FxHashMap<Box<str>, Kind>,
}

impl Spans {
    /// Note where the values of the contact `text` are; `None` when the
    /// walk meets what it does not expect (the record is then parsed in
    /// full).
    pub(crate) fn read(&mut self, text: &str) -> Option<()> {
        self.props.clear();
        self.meta = [Val::None; 2];
        self.history.clear();
        self.engagements.clear();
        self.assocs.clear();
        self.ids.clear();
        self.decoded.clear();
        let mut w = Walk {
            b: text.as_bytes(),
            i: 0,
        };
        w.object(&mut |w, name| match &text[name] {
            key::PROPERTIES => self.properties(w, text),
            key::HISTORY => self.history(w),
            key::ASSOCIATIONS => self.associations(w),
            key::ENGAGEMENTS => self.engagements(w),
            key::CREATED_AT => {
                self.meta[0] = self.value(w)?;
                Some(())
            }
            key::UPDATED_AT => {
                self.meta[1] = self.value(w)?;
                Some(())
            }
            _ => w.skip(),
        })?;
        // Nothing but whitespace after the contact.
        w.ws();
        (w.i == text.len()).then_some(())
    }

    /// A value; a string with an escape is decoded, a number with an
    /// exponent spelled as serde_json keeps its digits (`e`, and the
    /// exponent's sign: `1E3` is `1e+3`).
    fn value(&mut self, w: &mut Walk) -> Option<Val> {
        let v = w.value()?;
        if let Val::Exponent(start, end) = v {
            let text = std::str::from_utf8(&w.b[start..end]).ok()?;
            let (digits, exp) = text.split_once(['e', 'E'])?;
            let from = self.decoded.len();
            self.decoded.push_str(digits);
            self.decoded.push('e');
            if !exp.starts_with(['+', '-']) {
                self.decoded.push('+');
            }
            self.decoded.push_str(exp);
            return Some(Val::Decoded(from, self.decoded.len()));
        }
        let Val::Decoded(start, end) = v else {
            return Some(v);
        };
        // The string with its quotes, decoded as the full parse decodes it.
        let quoted = std::str::from_utf8(&w.b[start - 1..end + 1]).ok()?;
        let s: String = serde_json::from_str(quoted).ok()?;
        let from = self.decoded.len();
        self.decoded.push_str(&s);
        Some(Val::Decoded(from, self.decoded.len()))
    }

    fn properties(&mut self, w: &mut Walk, text: &str) -> Option<()> {
        w.object(&mut |w, name| {
            let v = self.value(w)?;
            if v == Val::Tree {
                return None;
            }
            let kind = self.kind(&text[name.clone()]);
            self.props.push((name, v, kind));
            Some(())
        })
    }

    /// A property's kind, remembered by name.
    fn kind(&mut self, name: &str) -> Kind {
        if let Some(&k) = self.kinds.get(name) {
            return k;
        }
        let k = Kind::of(name);
        if self.kinds.len() < KINDS_MET {
            self.kinds.insert(name.into(), k);
        }
        k
    }

    /// `propertiesWithHistory`: name → list of entries, each an object.
    fn history(&mut self, w: &mut Walk) -> Option<()> {
        w.object(&mut |w, name| {
            w.array(&mut |w| {
                w.object(&mut |w, k| {
                    if &w.b[k] != b"timestamp" {
                        return w.skip();
                    }
                    let ts = self.value(w)?;
                    if matches!(ts, Val::Text(..) | Val::Decoded(..)) {
                        self.history.push((name.clone(), ts));
                    }
                    Some(())
                })
            })
        })
    }

    /// `engagements`: a list; each object's text `timestamp` (anything
    /// else a list may hold is the merge's to judge).
    fn engagements(&mut self, w: &mut Walk) -> Option<()> {
        w.array(&mut |w| {
            if w.peek()? != b'{' {
                return w.skip();
            }
            w.object(&mut |w, k| {
                if &w.b[k] != b"timestamp" {
                    return w.skip();
                }
                let ts = self.value(w)?;
                if matches!(ts, Val::Text(..) | Val::Decoded(..)) {
                    self.engagements.push(ts);
                }
                Some(())
            })
        })
    }

    /// `associations`: kind → a list of entries, or an object whose
    /// `results` is that list.
    fn associations(&mut self, w: &mut Walk) -> Option<()> {
        w.object(&mut |w, kind| {
            let from = self.ids.len();
            match w.peek()? {
                b'[' => self.entries(w)?,
                b'{' => w.object(&mut |w, k| match &w.b[k] {
                    b"results" => self.entries(w),
                    _ => w.skip(),
                })?,
                _ => return None,
            }
            self.assocs.push((kind, from..self.ids.len()));
            Some(())
        })
    }

    /// A list of association entries: ids (strings, numbers), or objects
    /// with a text `"id"`.
    fn entries(&mut self, w: &mut Walk) -> Option<()> {
        w.array(&mut |w| {
            let id = match w.peek()? {
                b'{' => {
                    let mut id = Val::None;
                    w.object(&mut |w, k| {
                        if &w.b[k] != b"id" {
                            return w.skip();
                        }
                        id = self.value(w)?;
                        Some(())
                    })?;
                    id
                }
                b'"' | b'-' | b'0'..=b'9' => self.value(w)?,
                _ => return None,
            };
            if !matches!(id, Val::Text(..) | Val::Decoded(..)) {
                return None;
            }
            self.ids.push(id);
            Some(())
        })
    }
}

/// A walk over JSON text known to be valid.
struct Walk<'t> {
    b: &'t [u8],
    i: usize,
}

impl Walk<'_> {
    fn ws(&mut self) {
        while matches!(self.b.get(self.i), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    /// The next byte that is not whitespace (not taken).
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// The string at the walk (a quote): its content's range, and whether
    /// it holds an escape.
    fn string(&mut self) -> Option<(Range<usize>, bool)> {
        if self.b.get(self.i) != Some(&b'"') {
            return None;
        }
        let start = self.i + 1;
        let mut at = start;
        let mut escaped = false;
        loop {
            // Strings are short: a loop beats setting up a vector search.
            while !matches!(*self.b.get(at)?, b'"' | b'\\') {
                at += 1;
            }
            if self.b[at] == b'"' {
                self.i = at + 1;
                return Some((start..at, escaped));
            }
            // A backslash and the byte it escapes (`\uXXXX` goes on with
            // hex digits, never a quote or a backslash).
            escaped = true;
            at += 2;
        }
    }

    /// A value: where its text is, if it is a scalar (a string with an
    /// escape is given undecoded, as `Decoded` of the text's range).
    fn value(&mut self) -> Option<Val> {
        match self.peek()? {
            b'"' => {
                let (r, escaped) = self.string()?;
                Some(match escaped {
                    false => Val::Text(r.start, r.end),
                    true => Val::Decoded(r.start, r.end),
                })
            }
            b'{' | b'[' => {
                self.skip()?;
                Some(Val::Tree)
            }
            b'n' => {
                self.literal(b"null")?;
                Some(Val::None)
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => {
                let start = self.i;
                let mut exponent = false;
                while let Some(&c @ (b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')) =
                    self.b.get(self.i)
                {
                    exponent |= matches!(c, b'e' | b'E');
                    self.i += 1;
                }
                Some(match exponent {
                    false => Val::Text(start, self.i),
                    true => Val::Exponent(start, self.i),
                })
            }
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<Val> {
        let start = self.i;
        (self.b.get(start..start + word.len())? == word).then_some(())?;
        self.i += word.len();
        Some(Val::Text(start, self.i))
    }

    /// Skip a value of any kind.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'{' | b'[' => {}
            _ => return self.value().map(|_| ()),
        }
        let mut depth = 0usize;
        loop {
            match *self.b.get(self.i)? {
                b'"' => {
                    self.string()?;
                    continue;
                }
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        self.i += 1;
                        return Some(());
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
    }

    /// An object: each member's key range handed to `member`, which reads
    /// (or skips) the value. A key with an escape, or one that serde_json
    /// may read as its own token (`$...`), ends the walk.
    fn object(
        &mut self,
        member: &mut dyn FnMut(&mut Self, Range<usize>) -> Option<()>,
    ) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            let (name, escaped) = self.string()?;
            if escaped || self.b.get(name.start) == Some(&b'$') {
                return None;
            }
            self.eat(b':')?;
            self.ws();
            member(self, name)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// An array: `item` reads (or skips) each item.
    fn array(&mut self, item: &mut dyn FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            self.ws();
            item(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// One JSON record read in place: its id, its text and where its values
/// are ([`Spans::read`] of the text).
pub(crate) struct Record<'r> {
    pub(crate) id: &'r str,
    pub(crate) text: &'r str,
    pub(crate) spans: &'r Spans,
}

impl<'r> Record<'r> {
    fn text(&self, v: Val) -> Option<&'r str> {
        match v {
            Val::None | Val::Tree => None,
            Val::Text(a, b) | Val::Exponent(a, b) => Some(&self.text[a..b]),
            Val::Decoded(a, b) => Some(&self.spans.decoded[a..b]),
        }
    }

    fn find(&self, name: &str) -> Option<Val> {
        let mut props = self.spans.props.iter();
        props
            .find(|(n, _, _)| &self.text[n.clone()] == name)
            .map(|&(_, v, _)| v)
    }
}

impl Fields for Record<'_> {
    fn id(&self) -> &str {
        self.id
    }

    fn prop(&self, name: &str) -> Option<Cow<'_, str>> {
        let v = self.text(self.find(name)?)?;
        (!v.is_empty()).then_some(Cow::Borrowed(v))
    }

    fn has_property(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn each_property(&self, f: &mut dyn FnMut(&str, Option<&str>, Kind)) {
        for (name, v, kind) in &self.spans.props {
            f(&self.text[name.clone()], self.text(*v), *kind);
        }
    }

    fn meta_text(&self, key: &str) -> Option<Cow<'_, str>> {
        let v = match key {
            key::CREATED_AT => self.spans.meta[0],
            key::UPDATED_AT => self.spans.meta[1],
            other => unreachable!("only createdAt and updatedAt are read in place, not {other}"),
        };
        self.text(v).map(Cow::Borrowed)
    }

    fn each_history_timestamp(&self, f: &mut dyn FnMut(&str, &str)) {
        for (name, ts) in &self.spans.history {
            if let Some(ts) = self.text(*ts) {
                f(&self.text[name.clone()], ts);
            }
        }
    }

    fn each_engagement_timestamp(&self, f: &mut dyn FnMut(&str)) {
        for ts in self.spans.engagements.iter().filter_map(|v| self.text(*v)) {
            f(ts);
        }
    }

    fn each_association_cell(&self, f: &mut dyn FnMut(&str, &str)) {
        for (kind, ids) in &self.spans.assocs {
            let ids = self.spans.ids[ids.clone()]
                .iter()
                .filter_map(|v| self.text(*v));
            f(&self.text[kind.clone()], &super::fields::formula_cell(ids));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::Checker;
    use crate::format::json::parse_contact;
    use crate::format::records::scan::{self, Light};
    use crate::format::Place;

    /// Whether `text` read in place checks as the contact it parses to:
    /// `None` when the light check is not sure of it (it is then parsed).
    fn same_as_contact(text: &str, spans: &mut Spans) -> Option<bool> {
        let b = text.as_bytes();
        let Light::Ok { end, .. } = scan::Checker::default().contact(b, 0) else {
            return None;
        };
        if scan::skip_ws(b, end) != b.len() {
            return None;
        }
        let c = parse_contact(text).expect("the light check is sound");
        let stages = crate::labels::default_stage_order();
        let (mut in_place, mut parsed) = (Checker::new("f", &stages), Checker::new("f", &stages));
        spans.read(text)?;
        let record = Record {
            id: &c.id,
            text,
            spans,
        };
        in_place.check_fields(&record, Place::Line(1));
        parsed.check_fields(&c, Place::Line(1));
        Some(in_place.problems == parsed.problems && in_place.warnings == parsed.warnings)
    }

    const BASE: &str = concat!(
        r#"{"id":"1","properties":{"email":"a@b","=n":"=1","esc":"x\"\u00e9\n","#,
        r#""createdate":"2024-13-01","num":-1.50E+3,"t":true,"nothing":null,"e":""},"#,
        r#""createdAt":"x","updatedAt":12,"#,
        r#""propertiesWithHistory":{"email":[{"timestamp":"t","value":"v"},{"timestamp":false}]},"#,
        r#""associations":{"deals":["=1",2],"companies":{"results":[{"id":"-x"}],"p":[1]}},"#,
        r#""x":[{"a":"]}\"{"}]} "#
    );

    #[test]
    fn records_read_in_place_check_as_their_contacts() {
        let mut spans = Spans::default();
        assert_eq!(same_as_contact(BASE, &mut spans), Some(true));
        let stages = crate::labels::default_stage_order();
        let mut parsed = Checker::new("f", &stages);
        parsed.check(&parse_contact(BASE).unwrap(), Place::Line(1));
        assert!(parsed.problems.len() >= 5 && parsed.warnings.len() >= 4);
    }

    #[test]
    fn agrees_with_the_contact_on_every_byte_change_the_light_check_accepts() {
        let subst = [
            b'"', b',', b':', b'{', b'}', b'[', b']', b'1', b'a', b'\\', b' ', b'=', b'n', b'.',
        ];
        let mut spans = Spans::default();
        let mut compared = 0;
        for i in 0..BASE.len() {
            for &s in &subst {
                let mut t = BASE.as_bytes().to_vec();
                t[i] = s;
                let Ok(text) = std::str::from_utf8(&t) else {
                    continue;
                };
                if let Some(same) = same_as_contact(text, &mut spans) {
                    assert!(same, "{text}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 1000, "{compared}");
    }
}
