//! JSON documents: a bare array of contacts, `{"results": [...]}`,
//! `{"contacts": [...], ...}` (a v3 export or a v1 page), a v1 batch
//! `{"<vid>": {...}, ...}` or a single contact (a v3 object or a v1
//! profile). A record is a contact of the list (or of the batch, or the
//! document itself); the document around it is scanned by hand, its other
//! keys read in full. Its layout (indentation, line ends, what follows it)
//! is noted, to be written back the same.
//!
//! Messages are serde_json's, as when the whole document was parsed at
//! once: a contact the light check is not sure of is parsed by serde_json
//! from its first byte, and a fault between contacts is found by serde_json
//! reading what follows after a stand-in for what came before (`[0` for
//! "after a contact of a bare array"), its line and column put back in the
//! file's terms.

use std::io::Read;

use serde_json::{Map, Value};

use super::input::Input;
use super::scan::{skip_ws, string_end, Checker, Light};
use super::{io_error, Found};
use crate::format::json::{contact_from_value, kind_of, repeated_key, repeated_what, syntax};
use crate::format::value::{self, Repeated, Step};
use crate::format::{misnamed, Format, Place, ReadError};
use crate::model::{Contact, JsonShape, JsonText, Layout};

/// Where the scan stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Start,
    /// Before a key of the top object (`first`: just after `{`).
    Key {
        first: bool,
    },
    /// After a value of the top object.
    AfterValue,
    /// Before a contact (`first`: just after `[`).
    Item {
        first: bool,
    },
    AfterItem,
    /// After the list of contacts.
    AfterList,
    End,
    Done,
}

pub(crate) struct Doc {
    phase: Phase,
    pos: u64,
    text_start: u64,
    /// The document is an object (else a bare array).
    object: bool,
    top: Map<String, Value>,
    contacts_key: Option<String>,
    /// Contacts met, readable or not.
    index: usize,
    /// The lines of the document's first and last bytes.
    first_line: u64,
    last_line: u64,
    /// Where the document's opening bracket is, and where it ends.
    open: u64,
    end: u64,
    /// The document's text layout, once seen (its indentation when its
    /// first member is read, what follows it at the end).
    text: Option<JsonText>,
    /// The document is a v1 batch (vid → contact).
    batch: bool,
    /// The document is one contact.
    single: bool,
    /// The first contact starts a line, with this indentation (from
    /// [`Self::note_indent`]), and stands compact on it (`true`).
    first_on_one_line: Option<(bool, String)>,
}

/// serde_json's line and column as an index into the text it read.
fn index_of(text: &[u8], line: usize, column: usize) -> usize {
    if line <= 1 {
        return column;
    }
    memchr::memchr_iter(b'\n', text)
        .nth(line - 2)
        .map_or(text.len(), |p| p + 1 + column)
}

type Res<T> = Result<T, ReadError>;

impl Doc {
    pub(crate) fn new(text_start: u64) -> Self {
        Doc {
            phase: Phase::Start,
            pos: text_start,
            text_start,
            object: false,
            top: Map::new(),
            contacts_key: None,
            index: 0,
            first_line: 1,
            last_line: 1,
            open: text_start,
            end: text_start,
            text: None,
            batch: false,
            single: false,
            first_on_one_line: None,
        }
    }

    /// The indentation and line ends, from what lies between the opening
    /// bracket and the first member (at `pos`).
    fn note_indent<R: Read>(&mut self, input: &Input<R>) {
        if self.text.is_some() {
            return;
        }
        let lead = input.slice(self.open + 1, self.pos.max(self.open + 1));
        let mut text = JsonText::default();
        if let Some(nl) = memchr::memrchr(b'\n', lead) {
            let unit = &lead[nl + 1..];
            if unit.iter().all(|b| matches!(b, b' ' | b'\t')) {
                let unit = String::from_utf8_lossy(unit).into_owned();
                self.first_on_one_line = Some((false, unit.clone()));
                if !unit.is_empty() {
                    text.indent = unit;
                }
            }
            let first = memchr::memchr(b'\n', lead).unwrap_or(nl);
            text.crlf = first > 0 && lead[first - 1] == b'\r';
        }
        self.text = Some(text);
    }

    /// For the first contact (`len` bytes at `from`), when it starts a
    /// line ([`Self::note_indent`]): whether it stands compact on it.
    fn note_first<R: Read>(&mut self, input: &Input<R>, from: u64, len: usize) {
        if let (0, Some((one, _))) = (self.index, self.first_on_one_line.as_mut()) {
            *one = crate::format::json_lines_of::compact_one_line(&input.from(from)[..len]);
        }
    }

    /// What follows the document, once it is read to its end.
    fn note_trailer<R: Read>(&mut self, input: &Input<R>) {
        let mut text = self.text.take().unwrap_or_default();
        text.trailer = String::from_utf8_lossy(input.from(self.end)).into_owned();
        self.text = Some(text);
    }

    /// The layout, once the document is read.
    pub(crate) fn layout(&self) -> Option<Layout> {
        if self.phase != Phase::Done {
            return None;
        }
        let pretty = self.last_line > self.first_line;
        let mut text = self.text.clone().unwrap_or_default();
        let (shape, pretty) = match &self.contacts_key {
            _ if self.single => (JsonShape::Single, pretty),
            _ if self.batch => (JsonShape::Batch, pretty),
            None => (JsonShape::Array, pretty && self.index > 0),
            Some(k) => (
                JsonShape::Object {
                    contacts_key: k.clone(),
                    top: self.top.clone(),
                },
                pretty,
            ),
        };
        if let (Some((true, indent)), true) = (&self.first_on_one_line, shape == JsonShape::Array) {
            (text.records_on_lines, text.indent) = (pretty, indent.clone());
        }
        // A compact document is written on one line: no indentation or
        // line ends to keep (`[\n\t]` is written `[]`).
        if !pretty {
            text = JsonText {
                trailer: text.trailer,
                ..JsonText::default()
            };
        }
        Some(Layout::Json {
            shape,
            pretty,
            text,
        })
    }

    /// The next byte that is not whitespace, from `pos` on (`pos` moved
    /// to it); `None` at the end of the input.
    fn peek<R: Read>(&mut self, input: &mut Input<R>, keep: u64, file: &str) -> Res<Option<u8>> {
        loop {
            let rest = input.from(self.pos);
            let i = skip_ws(rest, 0);
            self.pos += i as u64;
            if i < rest.len() {
                return Ok(Some(rest[i]));
            }
            if !input.more(keep.min(self.pos)).map_err(io_error(file))? {
                return Ok(None);
            }
        }
    }

    pub(crate) fn next<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
        checker: Option<&mut Checker>,
    ) -> Res<Option<Found>> {
        let mut fallback = Checker::default();
        let (checker, full) = match checker {
            Some(c) => (c, false),
            None => (&mut fallback, true),
        };
        let text_start = self.text_start;
        loop {
            let c = self.peek(input, keep, file)?;
            if matches!(
                self.phase,
                Phase::Key { first: true } | Phase::Item { first: true }
            ) {
                self.note_indent(input);
            }
            match (self.phase, c) {
                (Phase::Done, _) => return Ok(None),
                (Phase::Start, Some(b'[')) => {
                    self.open = self.pos;
                    self.first_line = input.line_col(self.pos, text_start).0;
                    self.pos += 1;
                    self.phase = Phase::Item { first: true };
                }
                (Phase::Start, Some(b'{')) => {
                    self.open = self.pos;
                    self.first_line = input.line_col(self.pos, text_start).0;
                    self.object = true;
                    self.pos += 1;
                    self.phase = Phase::Key { first: true };
                }
                (Phase::Start, _) => return Err(self.not_a_document(input, keep, file)),
                (Phase::Key { first: true }, Some(b'}')) => self.close(input, Phase::End),
                (Phase::Key { .. }, Some(b'"')) => {
                    if let Some(found) = self.key(input, keep, file, checker, full)? {
                        return Ok(Some(found));
                    }
                }
                (Phase::AfterValue | Phase::AfterList, Some(b',')) if self.object => {
                    self.pos += 1;
                    self.phase = Phase::Key { first: false };
                }
                (Phase::AfterValue | Phase::AfterList, Some(b'}')) if self.object => {
                    self.close(input, Phase::End)
                }
                (Phase::AfterList, _) if !self.object => self.phase = Phase::End,
                (Phase::Item { first: true }, Some(b']')) => self.close(input, Phase::AfterList),
                (Phase::Item { first: false }, Some(b']')) | (Phase::Item { .. }, None) => {
                    return Err(self.fault(input, keep, file))
                }
                (Phase::Item { .. }, Some(_)) => {
                    return self
                        .contact(input, keep, file, (!full).then_some(&mut *checker))
                        .map(Some)
                }
                (Phase::AfterItem, Some(b',')) => {
                    self.pos += 1;
                    self.phase = Phase::Item { first: false };
                }
                (Phase::AfterItem, Some(b']')) => self.close(input, Phase::AfterList),
                (Phase::End, None) => {
                    self.phase = Phase::Done;
                    self.note_trailer(input);
                    if let Some(found) = self.single_contact(file) {
                        return Ok(Some(found));
                    }
                    self.no_list(file)?;
                    return Ok(None);
                }
                (Phase::End, Some(b'{')) => return Err(self.another_document(input, keep, file)),
                _ => return Err(self.fault(input, keep, file)),
            }
        }
    }

    /// Another object after the document (at `pos`): a fault, said as a
    /// misnamed file's when the document was one object on one line and
    /// this one starts a later line, as in JSON Lines.
    fn another_document<R: Read>(&self, input: &mut Input<R>, keep: u64, file: &str) -> ReadError {
        let later_line = input.line_col(self.pos, self.text_start).0 > self.last_line;
        let lines = self.object && self.first_line == self.last_line && later_line;
        let fault = self.fault(input, keep, file);
        if lines {
            misnamed::said_as(fault, Format::Json, misnamed::Looks::JsonLines)
        } else {
            fault
        }
    }

    /// Step past a closing bracket.
    fn close<R: Read>(&mut self, input: &Input<R>, next: Phase) {
        if next == Phase::End || !self.object {
            self.last_line = input.line_col(self.pos, self.text_start).0;
            self.end = self.pos + 1;
        }
        self.pos += 1;
        self.phase = next;
    }

    /// An object without a list of contacts, refused as the whole parse
    /// refused it.
    fn no_list(&self, file: &str) -> Res<()> {
        if !self.object || self.contacts_key.is_some() || self.batch || self.single {
            return Ok(());
        }
        let what = match ["contacts", "results"]
            .into_iter()
            .find_map(|k| Some((k, self.top.get(k)?)))
        {
            Some((k, v)) => not_a_list(k, v),
            None => object_not_contacts(&self.top),
        };
        Err(top_level(file, what))
    }

    /// The document read whole as one contact: an object that is neither
    /// a list of contacts nor a batch, with a record id (`id`, or `vid`
    /// in the v1 shape).
    fn single_contact(&mut self, file: &str) -> Option<Found> {
        if !self.object || self.contacts_key.is_some() || self.batch {
            return None;
        }
        if !(self.top.contains_key("id") || self.top.contains_key("vid")) {
            return None;
        }
        self.single = true;
        self.index = 1;
        let v = Value::Object(std::mem::take(&mut self.top));
        Some(read_contact(v, &[], 1, self.open..self.end, file))
    }

    /// A document that is neither an array nor an object: read whole (it
    /// is one value), refused with serde_json's message or as the wrong
    /// kind.
    fn not_a_document<R: Read>(&self, input: &mut Input<R>, keep: u64, file: &str) -> ReadError {
        loop {
            match input.more(keep) {
                Ok(true) => {}
                Ok(false) => break,
                Err(err) => return io_error(file)(err),
            }
        }
        let text = match std::str::from_utf8(input.from(self.text_start)) {
            Ok(t) => t,
            Err(e) => return self.not_utf8(input, self.text_start + e.valid_up_to() as u64, file),
        };
        match value::parse(text) {
            Err(e) => match misnamed::json_text(text) {
                Some(looks) => misnamed::said_as(syntax(file, &e), Format::Json, looks),
                None => syntax(file, &e),
            },
            Ok((v, _)) => top_level(
                file,
                format!(
                    "expected an array of contacts or an export object, found {}",
                    kind_of(&v)
                ),
            ),
        }
    }

    fn not_utf8<R: Read>(&self, input: &Input<R>, at: u64, file: &str) -> ReadError {
        ReadError::NotUtf8 {
            file: file.into(),
            line: input.line_col(at, self.text_start).0,
            offset: at,
        }
    }

    /// A serde_json error in text read from `from` on, in the file's lines
    /// and columns; `skip` bytes at the text's start stood in for what came
    /// before.
    fn syntax_at<R: Read>(
        &self,
        input: &Input<R>,
        e: &serde_json::Error,
        text: &[u8],
        skip: usize,
        from: u64,
        file: &str,
    ) -> ReadError {
        let i = index_of(text, e.line(), e.column()).saturating_sub(skip);
        let at = (from + i as u64).min(input.end());
        let (l, c) = input.line_col(at, self.text_start);
        let mut err = syntax(file, e);
        if let ReadError::Syntax { line, column, .. } = &mut err {
            *line = l;
            *column = c;
        }
        err
    }

    /// A fault between contacts or among the top object's keys, at `pos`:
    /// serde_json reads what follows after a stand-in for what came
    /// before, and says what is wrong.
    fn fault<R: Read>(&self, input: &mut Input<R>, keep: u64, file: &str) -> ReadError {
        let list = if self.object { "{\"a\":[" } else { "[" };
        let (stand_in, from) = match self.phase {
            Phase::Key { first: true } => ("{".to_string(), self.pos),
            Phase::Key { first: false } => ("{\"a\":0,".to_string(), self.pos),
            Phase::AfterValue | Phase::AfterList => ("{\"a\":0 ".to_string(), self.pos),
            Phase::Item { first: true } => (list.to_string(), self.pos),
            Phase::Item { first: false } => (format!("{list}0,"), self.pos),
            Phase::AfterItem => (format!("{list}0 "), self.pos),
            _ => ("0 ".to_string(), self.pos),
        };
        if let Err(err) = input.want(from, 1 << 16, keep) {
            return io_error(file)(err);
        }
        let rest = input.from(from);
        let valid = match std::str::from_utf8(rest) {
            Ok(t) => t,
            Err(e) if e.error_len().is_none() && !input.eof => {
                std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(e) => return self.not_utf8(input, from + e.valid_up_to() as u64, file),
        };
        let text = format!("{stand_in}{valid}");
        match value::parse(&text) {
            Err(e) => self.syntax_at(input, &e, text.as_bytes(), stand_in.len(), from, file),
            Ok(_) => {
                let (line, column) = input.line_col(from, self.text_start);
                ReadError::Syntax {
                    file: file.into(),
                    line,
                    column,
                    what: "malformed JSON".into(),
                }
            }
        }
    }

    /// serde_json's error for a value at `from`, `down` levels into the
    /// document, nested deeper than it reads: the value read after `down`
    /// brackets standing in for the document around it.
    fn too_deep_error<R: Read>(
        &self,
        input: &Input<R>,
        from: u64,
        down: usize,
        file: &str,
    ) -> ReadError {
        let rest = input.from(from);
        let valid = match std::str::from_utf8(rest) {
            Ok(t) => t,
            Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
        };
        let text = format!("{}{valid}", "[".repeat(down));
        match value::parse(&text) {
            Err(e) => self.syntax_at(input, &e, text.as_bytes(), down, from, file),
            // Not reached: the value is nested deeper than serde_json reads.
            Ok(_) => {
                let (line, column) = input.line_col(from, self.text_start);
                ReadError::Syntax {
                    file: file.into(),
                    line,
                    column,
                    what: "malformed JSON: recursion limit exceeded".into(),
                }
            }
        }
    }

    /// A key of the top object, and its value: the list of contacts, or a
    /// value read in full and kept.
    fn key<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
        checker: &mut Checker,
        full: bool,
    ) -> Res<Option<Found>> {
        let at = self.pos;
        let end = loop {
            match string_end(input.from(at), 0) {
                Some(Ok((end, _))) => break at + end as u64,
                Some(Err(())) => return Err(self.fault(input, keep, file)),
                None if input.more(keep.min(at)).map_err(io_error(file))? => {}
                None => return Err(self.fault(input, keep, file)),
            }
        };
        let raw = input.slice(at, end);
        let key: String = match serde_json::from_slice(raw) {
            Ok(k) => k,
            Err(_) => return Err(self.fault(input, keep, file)),
        };
        self.pos = end;
        if self.peek(input, keep, file)? != Some(b':') {
            self.pos = at;
            return Err(self.fault(input, keep, file));
        }
        self.pos += 1;
        let c = self.peek(input, keep, file)?;
        let twice = self.top.contains_key(&key);
        let vid = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit());
        if !self.batch
            && vid
            && c == Some(b'{')
            && self.top.is_empty()
            && self.contacts_key.is_none()
        {
            self.batch = true;
        }
        if self.batch {
            return self.batch_member(input, keep, file, (key, at), c, (!full).then_some(checker));
        }
        if (key == "contacts" || key == "results") && c == Some(b'[') && !twice {
            if let Some(list) = &self.contacts_key {
                return Err(top_level(
                    file,
                    format!("both \"{list}\" and \"{key}\" hold a list; which one holds the contacts cannot be told: keep one of them"),
                ));
            }
            self.top.insert(key.clone(), Value::Null);
            self.contacts_key = Some(key);
            self.pos += 1;
            self.phase = Phase::Item { first: true };
            return Ok(None);
        }
        if c.is_none() {
            self.pos = at;
            return Err(self.fault(input, keep, file));
        }
        let (v, repeated) = self.value(input, keep, file, checker)?;
        if let Some(r) = repeated.into_iter().next() {
            let mut path = vec![Step::Key(key)];
            path.extend(r.path);
            let r = Repeated { path, key: r.key };
            let at = r.path_from(0);
            return Err(top_level(file, repeated_what(&r.key, &at, "the export")));
        }
        if twice {
            return Err(top_level(file, repeated_what(&key, "", "the export")));
        }
        self.top.insert(key, v);
        self.phase = Phase::AfterValue;
        Ok(None)
    }

    /// A member of a v1 batch: a contact under its vid.
    fn batch_member<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
        (key, at): (String, u64),
        c: Option<u8>,
        checker: Option<&mut Checker>,
    ) -> Res<Option<Found>> {
        let vid = !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit());
        if !vid || c != Some(b'{') {
            self.pos = at;
            let (line, _) = input.line_col(at, self.text_start);
            return Err(top_level(
                file,
                format!("a v1 batch {{\"<vid>\": {{...}}, ...}} holds contacts under their vids, but the key {} (line {line}) is not a vid holding a contact: remove it, or export the contacts as a list", Value::String(key)),
            ));
        }
        if self.top.insert(key.clone(), Value::Null).is_some() {
            return Err(top_level(file, repeated_what(&key, "", "the export")));
        }
        let found = self.contact(input, keep, file, checker)?;
        self.phase = Phase::AfterValue;
        Ok(Some(match found {
            Found::Record { ref id, .. } if *id != key => {
                let e = crate::format::json::ContactError {
                    id: Some(id.clone()),
                    field: Some("vid".into()),
                    value: Some(id.clone()),
                    what: format!("is held under the key \"{key}\" of the batch, which is not its vid: a batch holds each contact under its own vid; correct the key or the vid"),
                };
                Found::Bad(e.at(file, &format!("contact {}", self.index)))
            }
            found => found,
        }))
    }

    /// A value of the top object at `pos`, read in full.
    fn value<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
        checker: &mut Checker,
    ) -> Res<(Value, Vec<Repeated>)> {
        let from = self.pos;
        loop {
            let rest = input.from(from);
            let end = match checker.any(rest, 0) {
                Light::Ok { end, .. } => Some(end),
                Light::More if !input.eof => {
                    input.more(keep.min(from)).map_err(io_error(file))?;
                    continue;
                }
                _ => None,
            };
            let text = &rest[..end.unwrap_or(rest.len())];
            if let Err(e) = std::str::from_utf8(text) {
                if e.error_len().is_some() || input.eof {
                    return Err(self.not_utf8(input, from + e.valid_up_to() as u64, file));
                }
            }
            match value::parse_first(text) {
                Ok((v, repeated, used)) => {
                    if too_deep(&text[..used], &v, 1) {
                        return Err(self.too_deep_error(input, from, 1, file));
                    }
                    self.pos = from + used as u64;
                    return Ok((v, repeated));
                }
                Err(e) if e.is_eof() && !input.eof => {
                    input.more(keep.min(from)).map_err(io_error(file))?;
                }
                Err(e) if is_recursion(&e) => return Err(self.too_deep_error(input, from, 1, file)),
                Err(e) => return Err(self.syntax_at(input, &e, text, 0, from, file)),
            }
        }
    }

    /// A contact at `pos`: checked, or parsed in full when the check is
    /// not sure.
    fn contact<R: Read>(
        &mut self,
        input: &mut Input<R>,
        keep: u64,
        file: &str,
        mut checker: Option<&mut Checker>,
    ) -> Res<Found> {
        let from = self.pos;
        while let Some(checker) = checker.as_deref_mut() {
            let rest = input.from(from);
            match checker.contact(rest, 0) {
                Light::Ok { end, id } => {
                    let text = std::str::from_utf8(&rest[..end])
                        .map_err(|e| self.not_utf8(input, from + e.valid_up_to() as u64, file))?;
                    let id = text[id.start..id.end].to_string();
                    self.note_first(input, from, end);
                    self.index += 1;
                    self.pos = from + end as u64;
                    self.phase = Phase::AfterItem;
                    return Ok(Found::Record {
                        range: from..self.pos,
                        id,
                        place: Place::Contact(self.index),
                        parsed: None,
                    });
                }
                Light::More if !input.eof => {
                    input.more(keep.min(from)).map_err(io_error(file))?;
                }
                _ => break,
            }
        }
        // Not sure: serde_json parses it, from its first byte.
        // (Bytes that are not UTF-8 in a contact it cannot read are named
        // by [`super::Reader::refuse`], which reads the rest for them.)
        loop {
            let rest = input.from(from);
            match value::parse_first(rest) {
                Ok((v, repeated, used)) => {
                    if let Err(e) = std::str::from_utf8(&rest[..used]) {
                        return Err(self.not_utf8(input, from + e.valid_up_to() as u64, file));
                    }
                    let down = if self.object && !self.batch { 2 } else { 1 };
                    if too_deep(&rest[..used], &v, down) {
                        return Err(self.too_deep_error(input, from, down, file));
                    }
                    self.note_first(input, from, used);
                    self.index += 1;
                    self.pos = from + used as u64;
                    self.phase = Phase::AfterItem;
                    return Ok(read_contact(v, &repeated, self.index, from..self.pos, file));
                }
                Err(e) if e.is_eof() && !input.eof => {
                    input.more(keep.min(from)).map_err(io_error(file))?;
                }
                Err(e) if is_recursion(&e) => {
                    let down = if self.object && !self.batch { 2 } else { 1 };
                    return Err(self.too_deep_error(input, from, down, file));
                }
                Err(e) => return Err(self.syntax_at(input, &e, rest, 0, from, file)),
            }
        }
    }
}

/// serde_json's refusal of a value nested too deep (found earlier, in the
/// document, than in the value read alone).
fn is_recursion(e: &serde_json::Error) -> bool {
    e.to_string().starts_with("recursion limit exceeded")
}

/// A contact parsed in full: a record, or why it cannot be read.
fn read_contact(
    v: Value,
    repeated: &[Repeated],
    index: usize,
    range: std::ops::Range<u64>,
    file: &str,
) -> Found {
    let place = format!("contact {index}");
    let read = match repeated.first() {
        Some(r) => Err(repeated_key(&v, r, 0)),
        None => contact_from_value(v),
    };
    match read {
        Ok(c) => Found::Record {
            range,
            id: c.id.clone(),
            place: Place::Contact(index),
            parsed: Some(Box::new(c)),
        },
        Err(e) => Found::Bad(e.at(file, &place)),
    }
}

/// A contact's bytes parsed in full.
pub(crate) fn contact(raw: &[u8], place: Place, file: &str) -> Result<Contact, ReadError> {
    let index = match place {
        Place::Contact(n) => n,
        Place::Line(n) | Place::Row(n) => n as usize,
    };
    let (v, repeated, _) = value::parse_first(raw).map_err(|e| syntax(file, &e))?;
    match read_contact(v, &repeated, index, 0..0, file) {
        Found::Record {
            parsed: Some(c), ..
        } => Ok(*c),
        Found::Bad(e) => Err(e),
        Found::Record { .. } => unreachable!("parsed in full"),
    }
}

/// serde_json reads a document nested up to 127 deep: whether `v` (of
/// the text `bytes`), `down` levels into the document, is nested deeper,
/// as a parse of it alone does not say.
fn too_deep(bytes: &[u8], v: &Value, down: usize) -> bool {
    const LIMIT: usize = 127;
    fn depth(v: &Value) -> usize {
        match v {
            Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
            Value::Object(m) => 1 + m.values().map(depth).max().unwrap_or(0),
            _ => 0,
        }
    }
    // Counting brackets (quoted ones too) bounds the depth cheaply.
    memchr::memchr2_iter(b'[', b'{', bytes).count() + down > LIMIT && depth(v) + down > LIMIT
}

/// A `"contacts"` or `"results"` key whose value is no list: what it is,
/// and what to do.
pub(crate) fn not_a_list(key: &str, v: &Value) -> String {
    format!(
        "\"{key}\" must be a list of contacts, found {}: write the contacts as a list, \"{key}\": [{{...}}, {{...}}] (one contact too), or export the file again",
        kind_of(v)
    )
}

/// An object that is no shape of contacts: what it looks like, and what
/// to do.
pub(crate) fn object_not_contacts(top: &Map<String, Value>) -> String {
    let mut keys: Vec<String> = top
        .keys()
        .take(5)
        .map(|k| Value::String(k.clone()).to_string())
        .collect();
    if top.len() > 5 {
        keys.push(format!("... ({} keys)", top.len()));
    }
    let found = if keys.is_empty() {
        "an empty object".to_string()
    } else {
        format!("an object whose keys are {}", keys.join(", "))
    };
    format!(
        "expected an array of contacts, {{\"results\": [...]}} or {{\"contacts\": [...]}}, one contact (with \"id\", or \"vid\" in the v1 shape) or a v1 batch {{\"<vid>\": {{...}}}}; found {found}, with neither: give the contacts in one of these shapes (HubSpot's export or API responses are)"
    )
}

fn top_level(file: &str, what: String) -> ReadError {
    ReadError::Invalid {
        file: file.into(),
        place: "top level".into(),
        what,
    }
}

#[cfg(test)]
#[path = "doc_tests.rs"]
mod tests;
