//! The light check of one JSON contact: a byte scanner that finds where
//! the contact ends and its id, and says whether reading it in full
//! ([`super::super::json::parse_contact`]) would succeed, without building
//! anything.
//!
//! It is sound, not complete: [`Light::Ok`] only for text that serde_json
//! reads as one value ending at the same byte, with no key written twice,
//! sections of the right shape and that id. Everything else it is not
//! sure of (a syntax error, a key twice, a key with an escape, a `\u`
//! surrogate, deep nesting, a wrong shape) is [`Light::NotSure`], and the
//! reader then parses the record in full, which gives the exact message.

use crate::model::key;

/// What the light check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Light {
    /// A contact that reads in full, ending before `end`, with its id.
    Ok { end: usize, id: IdSpan },
    /// The record must be parsed in full to know (and to say what is wrong).
    NotSure,
    /// The bytes ran out before the contact ended.
    More,
}

/// Where the contact's `"id"` value is, in the scanned bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IdSpan {
    /// The value's text: a number's digits, or a string's content
    /// (without its quotes).
    pub start: usize,
    pub end: usize,
    /// A string with a backslash escape: decode it before use.
    pub escaped: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    NotSure,
    More,
}

type Res<T> = Result<T, Stop>;

/// What a value must be, by where it stands in the contact (the shapes
/// [`super::super::json::contact_from_value`] refuses otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Rule {
    Any,
    /// The contact itself.
    Contact,
    /// The contact's `"id"`: a non-blank string or a number.
    Id,
    /// `properties`: an object of strings, numbers, booleans or nulls.
    Props,
    /// One property value.
    Scalar,
    /// `propertiesWithHistory`: an object of lists of objects.
    History,
    ListOfObjects,
    Object,
    /// `associations`: an object of association lists.
    Assocs,
    /// One association list: a list of entries, or `{"results": [...]}`.
    AssocList,
    /// The `"results"` list of association entries.
    AssocEntries,
    /// One entry under `"results"`: an object with a text `"id"`.
    AssocEntry,
    /// One entry of a plain list: an id, a string or a number.
    AssocId,
    /// An entry's `"id"`: a string, number or boolean.
    Text,
    /// A list section (engagements, visits, ...): a list or null.
    ListOrNull,
    /// `subscriptions`: an object of lists (or nulls), or null.
    Subscriptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
    String,
    Number,
    Bool,
    Null,
}

/// Keys of interest an object was seen to hold.
const SEEN_ID: u8 = 1;
const SEEN_RESULTS: u8 = 2;

/// Deeper than this, serde_json's own limit (128 from the document's top)
/// may refuse: parse in full.
const MAX_DEPTH: u32 = 100;

/// The light checker; its buffers are kept from one contact to the next.
#[derive(Default)]
pub(crate) struct Checker {
    /// Hashes of the keys of the objects open, innermost last.
    keys: Vec<u64>,
    id: Option<IdSpan>,
}

/// Bytes a string scan stops at: `"`, `\` and control characters.
static STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Whether any of the eight bytes of `w` may be one a string scan stops
/// at (a quote, a backslash, a control character); a `true` for none is
/// harmless, the bytes are then looked at one by one.
#[inline]
fn has_stop(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
    (control | zero(w ^ (ONES * b'"' as u64)) | zero(w ^ (ONES * b'\\' as u64))) != 0
}

/// A hash of a key, eight bytes at a time.
#[inline]
fn key_hash(k: &[u8]) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mut h = k.len() as u64;
    let mut chunks = k.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(26) ^ w).wrapping_mul(K);
    }
    let mut last = 0u64;
    for (i, &c) in chunks.remainder().iter().enumerate() {
        last |= (c as u64) << (8 * i);
    }
    (h.rotate_left(26) ^ last).wrapping_mul(K)
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

/// The first byte at or after `i` that is not JSON whitespace.
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ws(b[i]) {
        i += 1;
    }
    i
}

impl Checker {
    /// Check the contact that starts at `b[i]`.
    pub(crate) fn contact(&mut self, b: &[u8], i: usize) -> Light {
        self.keys.clear();
        self.id = None;
        match self.value(b, i, 0, Rule::Contact) {
            Ok((end, _)) => match self.id {
                Some(id) => Light::Ok { end, id },
                None => Light::NotSure,
            },
            Err(Stop::More) => Light::More,
            Err(Stop::NotSure) => Light::NotSure,
        }
    }

    /// Find the end of any JSON value that starts at `b[i]` (no shapes
    /// checked, keys written twice are `NotSure`).
    pub(crate) fn any(&mut self, b: &[u8], i: usize) -> Light {
        self.keys.clear();
        match self.value(b, i, 0, Rule::Any) {
            Ok((end, _)) => Light::Ok {
                end,
                id: IdSpan {
                    start: i,
                    end: i,
                    escaped: false,
                },
            },
            Err(Stop::More) => Light::More,
            Err(Stop::NotSure) => Light::NotSure,
        }
    }

    fn value(&mut self, b: &[u8], i: usize, depth: u32, rule: Rule) -> Res<(usize, Kind)> {
        let Some(&c) = b.get(i) else {
            return Err(Stop::More);
        };
        let (end, kind, seen) = match c {
            b'{' => {
                let (end, seen) = self.object(b, i, depth + 1, rule)?;
                (end, Kind::Object, seen)
            }
            b'[' => (self.array(b, i, depth + 1, rule)?, Kind::Array, 0),
            b'"' => {
                let (end, escaped) = string(b, i)?;
                if rule == Rule::Id {
                    let blank = escaped
                        || std::str::from_utf8(&b[i + 1..end - 1])
                            .map_or(true, |s| s.trim().is_empty());
                    if blank {
                        // Escaped ids are rare: the full parse decodes them.
                        return Err(Stop::NotSure);
                    }
                    self.id = Some(IdSpan {
                        start: i + 1,
                        end: end - 1,
                        escaped,
                    });
                }
                (end, Kind::String, 0)
            }
            b'-' | b'0'..=b'9' => {
                let end = number(b, i)?;
                if rule == Rule::Id {
                    if b[i..end].iter().any(|&c| matches!(c, b'e' | b'E')) {
                        // An exponent is respelled by the full parse
                        // (`9e1` is the id `9e+1`): it decides.
                        return Err(Stop::NotSure);
                    }
                    self.id = Some(IdSpan {
                        start: i,
                        end,
                        escaped: false,
                    });
                }
                (end, Kind::Number, 0)
            }
            b't' => (literal(b, i, b"true")?, Kind::Bool, 0),
            b'f' => (literal(b, i, b"false")?, Kind::Bool, 0),
            b'n' => (literal(b, i, b"null")?, Kind::Null, 0),
            _ => return Err(Stop::NotSure),
        };
        let ok = match rule {
            Rule::Any => true,
            Rule::Contact => kind == Kind::Object && seen & SEEN_ID != 0,
            Rule::Id => matches!(kind, Kind::String | Kind::Number),
            Rule::Props | Rule::History | Rule::Assocs | Rule::Object => kind == Kind::Object,
            Rule::Scalar => !matches!(kind, Kind::Object | Kind::Array),
            Rule::ListOfObjects | Rule::AssocEntries => kind == Kind::Array,
            Rule::AssocList => {
                kind == Kind::Array || (kind == Kind::Object && seen & SEEN_RESULTS != 0)
            }
            Rule::AssocEntry => kind == Kind::Object && seen & SEEN_ID != 0,
            Rule::AssocId => matches!(kind, Kind::String | Kind::Number),
            Rule::Text => matches!(kind, Kind::String | Kind::Number | Kind::Bool),
            Rule::ListOrNull => matches!(kind, Kind::Array | Kind::Null),
            Rule::Subscriptions => matches!(kind, Kind::Object | Kind::Null),
        };
        if ok {
            Ok((end, kind))
        } else {
            Err(Stop::NotSure)
        }
    }

    /// The rule for a member `key` of an object read under `rule`.
    fn member_rule(rule: Rule, key: &[u8]) -> Rule {
        match rule {
            Rule::Contact => {
                let is = |name: &str| key == name.as_bytes();
                if is(key::ID) {
                    Rule::Id
                } else if is(key::PROPERTIES) {
                    Rule::Props
                } else if is(key::HISTORY) {
                    Rule::History
                } else if is(key::ASSOCIATIONS) {
                    Rule::Assocs
                } else if is(key::ENGAGEMENTS)
                    || is(key::VISITS)
                    || is(key::FORM_SUBMISSIONS)
                    || is(key::USERTOKENS)
                {
                    Rule::ListOrNull
                } else if is(key::SUBSCRIPTIONS) {
                    Rule::Subscriptions
                } else {
                    Rule::Any
                }
            }
            Rule::Props => Rule::Scalar,
            Rule::History => Rule::ListOfObjects,
            Rule::Assocs => Rule::AssocList,
            Rule::AssocList if key == b"results" => Rule::AssocEntries,
            Rule::AssocEntry if key == b"id" => Rule::Text,
            Rule::Subscriptions => Rule::ListOrNull,
            _ => Rule::Any,
        }
    }

    fn object(&mut self, b: &[u8], i: usize, depth: u32, rule: Rule) -> Res<(usize, u8)> {
        if depth > MAX_DEPTH {
            return Err(Stop::NotSure);
        }
        let frame = self.keys.len();
        let mut seen = 0u8;
        let mut at = skip_ws(b, i + 1);
        match b.get(at) {
            None => return Err(Stop::More),
            Some(b'}') => return Ok((at + 1, 0)),
            _ => {}
        }
        loop {
            if b.get(at) != Some(&b'"') {
                return Err(if at >= b.len() {
                    Stop::More
                } else {
                    Stop::NotSure
                });
            }
            let (kend, escaped) = string(b, at)?;
            let name = &b[at + 1..kend - 1];
            // A key with an escape may equal another spelled plainly; a
            // key starting with `$` may be serde_json's number token.
            if escaped || name.first() == Some(&b'$') {
                return Err(Stop::NotSure);
            }
            self.keys.push(key_hash(name));
            let member = Self::member_rule(rule, name);
            match (rule, name) {
                (Rule::Contact | Rule::AssocEntry, b"id") => seen |= SEEN_ID,
                (Rule::AssocList, b"results") => seen |= SEEN_RESULTS,
                _ => {}
            }
            at = skip_ws(b, kend);
            match b.get(at) {
                None => return Err(Stop::More),
                Some(b':') => {}
                _ => return Err(Stop::NotSure),
            }
            at = skip_ws(b, at + 1);
            let (vend, _) = self.value(b, at, depth, member)?;
            at = skip_ws(b, vend);
            match b.get(at) {
                None => return Err(Stop::More),
                Some(b',') => at = skip_ws(b, at + 1),
                Some(b'}') => break,
                _ => return Err(Stop::NotSure),
            }
        }
        if self.repeats(frame) {
            return Err(Stop::NotSure);
        }
        self.keys.truncate(frame);
        Ok((at + 1, seen))
    }

    /// Whether two keys of the object from `frame` on hash the same (a
    /// key written twice, or a collision the full parse settles).
    fn repeats(&mut self, frame: usize) -> bool {
        let keys = &mut self.keys[frame..];
        if keys.len() <= 16 {
            (1..keys.len()).any(|j| keys[..j].contains(&keys[j]))
        } else {
            keys.sort_unstable();
            keys.windows(2).any(|w| w[0] == w[1])
        }
    }

    fn array(&mut self, b: &[u8], i: usize, depth: u32, rule: Rule) -> Res<usize> {
        if depth > MAX_DEPTH {
            return Err(Stop::NotSure);
        }
        let item = match rule {
            Rule::ListOfObjects => Rule::Object,
            Rule::AssocList => Rule::AssocId,
            Rule::AssocEntries => Rule::AssocEntry,
            _ => Rule::Any,
        };
        let mut at = skip_ws(b, i + 1);
        match b.get(at) {
            None => return Err(Stop::More),
            Some(b']') => return Ok(at + 1),
            _ => {}
        }
        loop {
            let (vend, _) = self.value(b, at, depth, item)?;
            at = skip_ws(b, vend);
            match b.get(at) {
                None => return Err(Stop::More),
                Some(b',') => at = skip_ws(b, at + 1),
                Some(b']') => return Ok(at + 1),
                _ => return Err(Stop::NotSure),
            }
        }
    }
}

/// A string starting at `b[i]` (a quote): where it ends (after its
/// closing quote) and whether it holds an escape; `None` when the bytes
/// run out first, `Some(Err(()))` when it is not sure.
pub(crate) fn string_end(b: &[u8], i: usize) -> Option<Result<(usize, bool), ()>> {
    match string(b, i) {
        Ok(s) => Some(Ok(s)),
        Err(Stop::More) => None,
        Err(Stop::NotSure) => Some(Err(())),
    }
}

/// A string starting at `b[i]` (a quote): where it ends (after its closing
/// quote), and whether it holds an escape.
fn string(b: &[u8], i: usize) -> Res<(usize, bool)> {
    let mut at = i + 1;
    let mut escaped = false;
    loop {
        // Eight bytes at a time while none of them stops the scan.
        while let Some(w) = b.get(at..at + 8) {
            if has_stop(u64::from_le_bytes(w.try_into().expect("8 bytes"))) {
                break;
            }
            at += 8;
        }
        while at < b.len() && !STOP[b[at] as usize] {
            at += 1;
        }
        match b.get(at) {
            None => return Err(Stop::More),
            Some(b'"') => return Ok((at + 1, escaped)),
            Some(b'\\') => {
                escaped = true;
                match b.get(at + 1) {
                    None => return Err(Stop::More),
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => at += 2,
                    Some(b'u') => {
                        let Some(hex) = b.get(at + 2..at + 6) else {
                            return Err(Stop::More);
                        };
                        let mut n = 0u32;
                        for &h in hex {
                            let d = (h as char).to_digit(16).ok_or(Stop::NotSure)?;
                            n = n * 16 + d;
                        }
                        // Surrogates must pair up: the full parse says.
                        if (0xD800..0xE000).contains(&n) {
                            return Err(Stop::NotSure);
                        }
                        at += 6;
                    }
                    Some(_) => return Err(Stop::NotSure),
                }
            }
            // A control character.
            Some(_) => return Err(Stop::NotSure),
        }
    }
}

/// A number starting at `b[i]`, by JSON's grammar: where it ends.
fn number(b: &[u8], i: usize) -> Res<usize> {
    let digits = |mut at: usize| {
        let from = at;
        while at < b.len() && b[at].is_ascii_digit() {
            at += 1;
        }
        (at, at - from)
    };
    let mut at = i;
    if b[at] == b'-' {
        at += 1;
    }
    match b.get(at) {
        None => return Err(Stop::More),
        Some(b'0') => at += 1,
        Some(b'1'..=b'9') => at = digits(at).0,
        _ => return Err(Stop::NotSure),
    }
    if b.get(at) == Some(&b'.') {
        let (end, n) = digits(at + 1);
        if n == 0 {
            return Err(if end >= b.len() {
                Stop::More
            } else {
                Stop::NotSure
            });
        }
        at = end;
    }
    if matches!(b.get(at), Some(b'e' | b'E')) {
        at += 1;
        if matches!(b.get(at), Some(b'+' | b'-')) {
            at += 1;
        }
        let (end, n) = digits(at);
        if n == 0 {
            return Err(if end >= b.len() {
                Stop::More
            } else {
                Stop::NotSure
            });
        }
        at = end;
    }
    // The number may go on in bytes not read yet.
    if at >= b.len() {
        return Err(Stop::More);
    }
    Ok(at)
}

fn literal(b: &[u8], i: usize, word: &[u8]) -> Res<usize> {
    let end = i + word.len();
    match b.get(i..end) {
        Some(s) if s == word => Ok(end),
        Some(_) => Err(Stop::NotSure),
        None if word.starts_with(&b[i..]) => Err(Stop::More),
        None => Err(Stop::NotSure),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Light {
        Checker::default().contact(text.as_bytes(), 0)
    }

    fn id_of(text: &str) -> Option<String> {
        match check(text) {
            Light::Ok { id, .. } => Some(text[id.start..id.end].to_string()),
            _ => None,
        }
    }

    #[test]
    fn eight_bytes_with_a_stop_are_never_skipped() {
        for stop in [b'"', b'\\', 0, 0x1f, b'\n'] {
            for at in 0..8 {
                let mut w = *b"abcdefgh";
                w[at] = stop;
                assert!(has_stop(u64::from_le_bytes(w)), "{stop} at {at}");
            }
        }
        assert!(!has_stop(u64::from_le_bytes(*b"ab cd\x7f\xc3\xa9")));
        assert_ne!(key_hash(b"email"), key_hash(b"emaik"));
        assert_ne!(key_hash(b"abcdefgh1"), key_hash(b"abcdefgh2"));
    }

    #[test]
    fn finds_the_end_and_the_id() {
        let text = r#"{"properties":{"email":"a\"]}@x.com","n":null,"b":true,"x":-1.5e+3},"id":"7","x":[{"a":[1,{}]}, "]}"]} ,"#;
        match check(text) {
            Light::Ok { end, id } => {
                assert_eq!(&text[end..], " ,");
                assert_eq!(&text[id.start..id.end], "7");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            id_of(r#"{"id":100000000000000000001} "#).as_deref(),
            Some("100000000000000000001")
        );
    }

    #[test]
    fn is_not_sure_of_what_the_full_parse_refuses() {
        for text in [
            r#"{"id":"1","id":"2"} "#,
            r#"{"id":"1","properties":{"a":"1","a":"2"}} "#,
            r#"{"id":"1","x":{"y":[{"z":1,"z":1}]}} "#,
            r#"{"id":"1","properties":{"a":{"b":1}}} "#,
            r#"{"id":"1","properties":null} "#,
            r#"{"id":"1","engagements":{}} "#,
            r#"{"id":"1","usertokens":"u"} "#,
            r#"{"id":"1","subscriptions":[]} "#,
            r#"{"id":"1","subscriptions":{"a@x":{}}} "#,
            r#"{"id":"1","propertiesWithHistory":{"a":[1]}} "#,
            r#"{"id":"1","associations":{"deals":[null]}} "#,
            r#"{"id":"1","associations":{"deals":{"paging":1}}} "#,
            r#"{"id":"1","associations":{"deals":[{"type":"x"}]}} "#,
            r#"{"id":"1","associations":{"deals":[{"id":"x"}]}} "#,
            r#"{"id":"1","associations":{"deals":{"results":["x"]}}} "#,
            r#"{"id":" "} "#,
            r#"{"id":null} "#,
            r#"{"id":true} "#,
            r#"{"id":9e1} "#,
            r#"{"id":1E3} "#,
            r#"{"properties":{}} "#,
            r#"["id"] "#,
            r#"{"id":"1",} "#,
            r#"{"id":"1" "x":1} "#,
            r#"{"id":01} "#,
            r#"{"id":"1","x":1.} "#,
            r#"{"id":"1","x":"a	b"} "#,
            r#"{"id":"1","x":"\ud800"} "#,
            r#"{"id":"1","x":"\q"} "#,
            r#"{"id":"1","a\u0062":1,"ab":2} "#,
            r#"{"id":"1","x":tru} "#,
            r#"{"id":"1","$serde_json::private::Number":"1"} "#,
        ] {
            assert_eq!(check(text), Light::NotSure, "{text}");
        }
        let deep = format!(
            r#"{{"id":"1","x":{}1{}}} "#,
            "[".repeat(200),
            "]".repeat(200)
        );
        assert_eq!(check(&deep), Light::NotSure);
    }

    #[test]
    fn accepts_the_shapes_the_full_parse_reads() {
        let text = r#"{"id":"1","engagements":[],"usertokens":null,"visits":[{}],"formSubmissions":[],"subscriptions":{"a@x.com":[],"b@x.com":null},"listMemberships":{"odd":1},"associations":{"deals":{"results":[{"id":"9","type":"t"},{"id":true}],"paging":null},"companies":["4",5]},"propertiesWithHistory":{"a":[{"value":"1"}]}} "#;
        assert_eq!(id_of(text).as_deref(), Some("1"));
        // Twenty keys: sorted, not searched.
        let many: Vec<String> = (0..20).map(|i| format!("\"k{i}\":{i}")).collect();
        let text = format!("{{\"id\":\"2\",{}}} ", many.join(","));
        assert_eq!(id_of(&text).as_deref(), Some("2"));
        let text = format!("{{\"id\":\"2\",{},\"k3\":0}} ", many.join(","));
        assert_eq!(check(&text), Light::NotSure);
    }

    #[test]
    fn asks_for_more_when_the_bytes_run_out() {
        let text = r#"{"id":"1","properties":{"email":"a@x.com"},"x":[1.5,true]} "#;
        for cut in 1..text.len() - 1 {
            assert_eq!(check(&text[..cut]), Light::More, "{}", &text[..cut]);
        }
        assert_eq!(id_of(text).as_deref(), Some("1"));
    }

    #[test]
    fn agrees_with_the_full_parse_on_every_prefix_and_byte_change() {
        // Every light Ok must read in full with the same id.
        let base = r#"{"id":"1","properties":{"a":"x","b":null},"associations":{"deals":["2"]},"engagements":[{"id":"e","t":[1,2.5e3]}]}"#;
        let bytes = base.as_bytes();
        let subst = [
            b'"', b',', b':', b'{', b'}', b'[', b']', b'1', b'a', b'\\', b' ',
        ];
        for i in 0..bytes.len() {
            for &s in &subst {
                let mut t = bytes.to_vec();
                t[i] = s;
                t.push(b'\n');
                let Ok(text) = std::str::from_utf8(&t) else {
                    continue;
                };
                if let Light::Ok { end, id } = Checker::default().contact(&t, 0) {
                    let c = crate::format::json::parse_contact(&text[..end])
                        .unwrap_or_else(|e| panic!("{text}: {e:?}"));
                    assert_eq!(c.id, text[id.start..id.end], "{text}");
                }
            }
        }
    }
}
