//! Every file a command names, in one place: what it reads and what it
//! writes ([`of`] knows it for each command). Before a command starts,
//! [`Paths::check`] refuses, as a usage error (exit 2, nothing read or
//! written):
//!
//! - an output that is the same file as an input, by any path: a symbolic
//!   link, a hard link, `./x` and `x`, a folder reached through a link;
//! - two outputs that are the same file;
//! - two outputs on stdout, or two inputs on stdin (it is read once);
//! - a file written (`-o`, `--journal`) that is stdout, where
//!   `--format json` writes its report (`-o /dev/stdout`, `-o f >> f`);
//! - `--journal -`: a journal is a file, appended to and read back by
//!   `unmerge --restore`, not a stream;
//! - a file replaced whole (`-o`) that is a journal of merges or a push
//!   log (told by its first line): `.jsonl` is an export's extension too,
//!   and the record of the merges would be gone.
//!
//! The one overlap allowed is `--in-place` (alone or with an `-o` naming
//! the export): the export written over itself. `--in-place` with an `-o`
//! naming another file is refused: the export would silently stay as it was.
//!
//! An existing file is known by its device and inode, so every path to it
//! is the same; one that does not exist yet by its absolute path, with the
//! folders that exist resolved (links included). `-` is stdin for an input
//! and stdout for an output; when that stream is a file (`-o - >> file`)
//! or a pipe (`-o - --journal /dev/stdout | ...`), it is that file too.
//! The null device is never in the way.

use std::borrow::Cow;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Component, Path, PathBuf};

use super::args::{Command, WriteFlags};
use super::UsageError;

/// The files one command reads and writes.
#[derive(Debug, Default)]
pub struct Paths<'a> {
    inputs: Vec<Named<'a>>,
    outputs: Vec<Named<'a>>,
}

/// A path and what names it on the command line.
#[derive(Debug)]
struct Named<'a> {
    /// The option or argument naming it, for advice (`-o`, `--journal`).
    option: &'static str,
    /// How messages name it (`the export in.csv`, `--journal j.jsonl`).
    label: String,
    path: Cow<'a, Path>,
    role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The export the command reads (`FILE`).
    Export,
    /// Another input (a plan, a journal read, a lifecycle order file).
    Input,
    /// An output; `-` is stdout.
    Output,
    /// Where the export is written, without `--in-place`.
    Target,
    /// Where the export is written with `--in-place`: it may be the export.
    InPlace,
    /// An output that must be a file (a journal).
    FileOutput,
}

impl Named<'_> {
    fn is_std(&self) -> bool {
        self.path.as_os_str() == "-"
    }
    fn is_output(&self) -> bool {
        self.role != Role::Export && self.role != Role::Input
    }
}

/// The paths `command` names, inputs and outputs; `json`: the command
/// runs with `--format json`, whose report goes to stdout unless the
/// export does (`-o -`).
pub fn of(command: &Command, json: bool) -> Paths<'_> {
    let paths = of_command(command);
    let paths = match properties_of(command) {
        Some(p) => paths.input("--properties", p),
        None => paths,
    };
    let written = match command {
        Command::Apply(a) => a.write.output.as_deref(),
        Command::Merge(a) => a.write.output.as_deref(),
        Command::Unmerge(a) => a.write.output.as_deref(),
        Command::Dupes(a) => a.output.as_deref(),
        _ => return paths,
    };
    match written {
        Some(o) if o.as_os_str() == "-" => paths,
        _ if json => paths.report(),
        _ => paths,
    }
}

/// The option of the report a command writes to stdout beside its file.
const REPORT: &str = "--format json";

/// The `--properties` file a command reads, if given.
fn properties_of(command: &Command) -> Option<&Path> {
    let input = match command {
        Command::Show(a) => &a.input,
        Command::Check(a) => &a.input,
        Command::Diff(a) => &a.input,
        Command::Merge(a) => &a.input,
        Command::Apply(a) => &a.input,
        Command::Unmerge(a) => &a.input,
        Command::Dupes(a) => &a.input,
        Command::Pull(_) | Command::Push(_) | Command::Completions(_) | Command::Man(_) => {
            return None
        }
    };
    input.properties.as_deref()
}

fn of_command(command: &Command) -> Paths<'_> {
    let none = Paths::default;
    match command {
        Command::Show(a) => none().export(&a.file),
        Command::Check(a) => a
            .files
            .iter()
            .fold(none(), |p, f| p.export(f))
            .stage_file(a.lifecycle_order.as_deref()),
        Command::Diff(a) => none()
            .export(&a.file)
            .stage_file(a.merge.lifecycle_order.as_deref()),
        Command::Merge(a) => none()
            .export(&a.file)
            .stage_file(a.merge.lifecycle_order.as_deref())
            .write(&a.file, &a.write)
            .journal(a.journal.as_deref()),
        Command::Apply(a) => none()
            .export(&a.file)
            .input("--plan", &a.plan)
            .stage_file(a.merge.lifecycle_order.as_deref())
            .write(&a.file, &a.write)
            .journal(a.journal.as_deref()),
        Command::Unmerge(a) => a
            .journal
            .iter()
            .fold(none().export(&a.file), |p, j| p.input("--journal", j))
            .write(&a.file, &a.write),
        Command::Dupes(a) => none()
            .export(&a.file)
            .output("-o", Role::Output, a.output.as_deref()),
        Command::Pull(a) => {
            let (part, state) = crate::portal::pull::side_files(&a.output);
            none()
                .output("-o", Role::FileOutput, Some(&a.output))
                .owned_output("-o", part)
                .owned_output("-o", state)
        }
        Command::Push(a) => none()
            .export(&a.file)
            .input("--plan", &a.plan)
            .stage_file(a.lifecycle_order.as_deref())
            .output("--log", Role::FileOutput, Some(&a.log)),
        Command::Completions(_) | Command::Man(_) => none(),
    }
}

impl<'a> Paths<'a> {
    /// The export read (`-` is stdin).
    fn export(mut self, path: &'a Path) -> Self {
        let label = if path.as_os_str() == "-" {
            "the export - (stdin)".to_string()
        } else {
            format!("the export {}", path.display())
        };
        self.inputs.push(Named {
            option: "FILE",
            label,
            path: Cow::Borrowed(path),
            role: Role::Export,
        });
        self
    }

    /// Another input (`-` is stdin).
    fn input(mut self, option: &'static str, path: &'a Path) -> Self {
        self.inputs.push(Named {
            option,
            label: labelled(option, path, "stdin"),
            path: Cow::Borrowed(path),
            role: Role::Input,
        });
        self
    }

    /// `--lifecycle-order @FILE` (a file even when named `-`).
    fn stage_file(mut self, arg: Option<&'a str>) -> Self {
        if let Some(file) = arg.and_then(|a| a.strip_prefix('@')) {
            let path = match file {
                "-" => Cow::Owned(Path::new(".").join("-")),
                f => Cow::Borrowed(Path::new(f)),
            };
            self.inputs.push(Named {
                option: "--lifecycle-order",
                label: format!("--lifecycle-order @{file}"),
                path,
                role: Role::Input,
            });
        }
        self
    }

    /// Where the export is written: `-o`, or the export itself with
    /// `--in-place`.
    fn write(self, export: &'a Path, w: &'a WriteFlags) -> Self {
        let role = if w.in_place {
            Role::InPlace
        } else {
            Role::Target
        };
        match (w.output.as_deref(), w.in_place) {
            (Some(o), _) => self.output("-o", role, Some(o)),
            // `--in-place` with stdin is refused where the target is made.
            (None, true) if export.as_os_str() != "-" => {
                self.output("--in-place", role, Some(export))
            }
            (None, _) => self,
        }
    }

    /// The report `--format json` writes to stdout.
    fn report(mut self) -> Self {
        self.outputs.push(Named {
            option: REPORT,
            label: "the --format json report (stdout)".into(),
            path: Cow::Borrowed(Path::new("-")),
            role: Role::Output,
        });
        self
    }

    /// The journal written (appended to).
    fn journal(self, path: Option<&'a Path>) -> Self {
        self.output("--journal", Role::FileOutput, path)
    }

    /// A file written beside another output (`pull`'s part and state).
    fn owned_output(mut self, option: &'static str, path: PathBuf) -> Self {
        self.outputs.push(Named {
            option,
            label: format!("{} (beside {option}'s file)", path.display()),
            path: Cow::Owned(path),
            role: Role::FileOutput,
        });
        self
    }

    fn output(mut self, option: &'static str, role: Role, path: Option<&'a Path>) -> Self {
        if let Some(path) = path {
            self.outputs.push(Named {
                option,
                label: labelled(option, path, "stdout"),
                path: Cow::Borrowed(path),
                role,
            });
        }
        self
    }

    /// Refuse any overlap (see the module): a usage error naming both
    /// options and the path, and what to do.
    pub fn check(&self) -> Result<(), UsageError> {
        if let Some(j) = self
            .outputs
            .iter()
            .find(|o| o.role == Role::FileOutput && o.is_std())
        {
            return Err(UsageError(match j.option {
                "--log" => "--log -: the push log is a file, appended to and read back when \
                     push runs again; name one (e.g. --log push.jsonl)"
                    .to_string(),
                "-o" => "-o -: pull writes a file, and resumes from the files beside it; \
                     name one (e.g. -o export.ndjson)"
                    .to_string(),
                option => format!(
                    "{option} -: a journal cannot go to stdout; name a file (e.g. {option} merges.jsonl): \
                     it is appended to, created when missing, and read back by `unmerge --restore`"
                ),
            }));
        }
        let null = null_device();
        let ids: Vec<(&Named, Id)> = self
            .inputs
            .iter()
            .chain(&self.outputs)
            .map(|n| (n, Id::of(n, null)))
            .collect();
        let (inputs, outputs) = ids.split_at(self.inputs.len());
        in_place_names_the_export(inputs, outputs)?;
        stdin_read_once(inputs)?;
        no_output_is_an_input(inputs, outputs)?;
        outputs_apart(outputs)?;
        no_record_replaced(&self.outputs)?;
        Ok(())
    }
}

/// A file a command replaces whole must not be a journal of merges or a
/// push log ([`crate::atomic::kept::kept_record`]); the files appended
/// to (`--journal`, `--log`) are checked as such by their commands.
fn no_record_replaced(outputs: &[Named<'_>]) -> Result<(), UsageError> {
    let replaced = outputs
        .iter()
        .filter(|o| !matches!(o.option, "--journal" | "--log") && !o.is_std());
    for o in replaced {
        if let Some(what) = crate::atomic::kept::kept_record(&o.path) {
            return Err(UsageError(format!(
                "{} holds {what}; writing there would replace that record (the merges it \
                 keeps could no longer be {}): choose another {}",
                o.label,
                match what {
                    "a push log" => "resumed without being sent again",
                    _ => "restored with `unmerge --restore`",
                },
                o.option
            )));
        }
    }
    Ok(())
}

/// A path given for an option, with what it is.
type Checked<'n, 'a> = (&'n Named<'a>, Id);

/// `--in-place -o X` is allowed only when X is the export: with any other
/// X the export would silently stay as it was.
fn in_place_names_the_export(
    inputs: &[Checked<'_, '_>],
    outputs: &[Checked<'_, '_>],
) -> Result<(), UsageError> {
    let export = inputs.iter().find(|(i, _)| i.role == Role::Export);
    for (o, id_o) in outputs {
        if o.role != Role::InPlace || o.option != "-o" {
            continue;
        }
        if let Some((e, id_e)) = export.filter(|(e, _)| !e.is_std()) {
            if !id_o.same_file(id_e) {
                return Err(UsageError(format!(
                    "--in-place replaces {}, but {} names another file: drop -o to replace \
                     the export, or drop --in-place to write {}",
                    e.label,
                    o.label,
                    if o.is_std() {
                        "stdout".to_string()
                    } else {
                        o.path.display().to_string()
                    }
                )));
            }
        }
    }
    Ok(())
}

/// stdin is read by one input at most.
fn stdin_read_once(inputs: &[Checked<'_, '_>]) -> Result<(), UsageError> {
    for (i, (a, id_a)) in inputs.iter().enumerate() {
        for (b, id_b) in &inputs[i + 1..] {
            if id_a.stream.is_some() && id_a.stream == id_b.stream {
                let both = if a.label == b.label {
                    format!("{} is named twice", a.label)
                } else {
                    format!("{} and {} both read stdin", a.label, b.label)
                };
                return Err(UsageError(format!(
                    "{both}, but stdin can be read only once: give a file instead"
                )));
            }
        }
    }
    Ok(())
}

/// No output is a file the command reads (but `--in-place` replaces the
/// export).
fn no_output_is_an_input(
    inputs: &[Checked<'_, '_>],
    outputs: &[Checked<'_, '_>],
) -> Result<(), UsageError> {
    for (o, id_o) in outputs {
        for (i, id_i) in inputs {
            if o.role == Role::InPlace && i.role == Role::Export || !id_o.same_file(id_i) {
                continue;
            }
            let advice = if o.is_std() {
                "stdout is redirected to it; send stdout elsewhere, or name a file for -o"
                    .to_string()
            } else if i.role == Role::Export && o.role == Role::Target && !i.is_std() {
                "pass --in-place to replace the export, or name another file for -o".to_string()
            } else {
                format!("name another file for {}", o.option)
            };
            return Err(UsageError(format!(
                "{} is the same file as {}, which this command reads: writing it would destroy it; {advice}",
                o.label, i.label
            )));
        }
    }
    Ok(())
}

/// No two outputs are stdout, or one file.
fn outputs_apart(outputs: &[Checked<'_, '_>]) -> Result<(), UsageError> {
    for (k, (a, id_a)) in outputs.iter().enumerate() {
        for (b, id_b) in &outputs[k + 1..] {
            if id_a.stream.is_some() && id_a.stream == id_b.stream {
                return Err(UsageError(format!(
                    "{} and {} both write to stdout: give one of them a file",
                    a.label, b.label
                )));
            }
            if id_a.same_file(id_b) {
                if let Some(file) = [a, b].into_iter().find(|n| n.option != REPORT) {
                    if a.option == REPORT || b.option == REPORT {
                        let advice = match file.option {
                            "-o" => "write the file to stdout with -o - (the report then goes to stderr), or send stdout elsewhere".to_string(),
                            option => format!("name another file for {option}, or send stdout elsewhere"),
                        };
                        return Err(UsageError(format!(
                            "{} is the same file as stdout, where --format json writes its report: the report would be lost or mixed into the file; {advice}",
                            file.label
                        )));
                    }
                }
                return Err(UsageError(format!(
                    "{} and {} are the same file: one would be written over the other; name a different file for each",
                    a.label, b.label
                )));
            }
        }
    }
    Ok(())
}

/// `--journal j.jsonl`, or `-o - (stdout)`.
fn labelled(option: &str, path: &Path, stream: &str) -> String {
    if path.as_os_str() == "-" {
        format!("{option} - ({stream})")
    } else {
        format!("{option} {}", path.display())
    }
}

/// What a path is, to compare it with another.
#[derive(Debug)]
struct Id {
    /// `-`: stdin or stdout.
    stream: Option<Stream>,
    /// The file it is; `None` for the null device, or a stream that is a
    /// terminal.
    file: Option<FileId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stream {
    Stdin,
    Stdout,
}

#[derive(Debug, PartialEq, Eq)]
enum FileId {
    /// An existing file: device and inode.
    Inode(u64, u64),
    /// A file not there yet: its absolute path, links resolved.
    Path(PathBuf),
}

impl Id {
    fn of(n: &Named, null: Option<u64>) -> Id {
        if n.is_std() {
            let (stream, file) = if n.is_output() {
                (Stream::Stdout, std_file(std::io::stdout()))
            } else {
                (Stream::Stdin, std_file(std::io::stdin()))
            };
            return Id {
                stream: Some(stream),
                file,
            };
        }
        let file = match std::fs::metadata(&n.path) {
            Ok(m) if m.file_type().is_char_device() && Some(m.rdev()) == null => None,
            Ok(m) => Some(FileId::Inode(m.dev(), m.ino())),
            // A link to no file yet is the file it would make.
            Err(_) if std::fs::symlink_metadata(&n.path).is_ok_and(|m| m.is_symlink()) => Some(
                FileId::Path(normalised(&crate::atomic::link_target(&n.path))),
            ),
            Err(_) => Some(FileId::Path(normalised(&n.path))),
        };
        Id { stream: None, file }
    }

    fn same_file(&self, other: &Id) -> bool {
        self.file.is_some() && self.file == other.file
    }
}

/// The device number of `/dev/null`.
fn null_device() -> Option<u64> {
    std::fs::metadata("/dev/null")
        .ok()
        .filter(|m| m.file_type().is_char_device())
        .map(|m| m.rdev())
}

/// The file or pipe a standard stream is, if it is one (a terminal or
/// the null device is never in the way: a command may read the keyboard
/// and write the screen).
fn std_file(stream: impl std::os::fd::AsFd) -> Option<FileId> {
    let fd = stream.as_fd().try_clone_to_owned().ok()?;
    let m = std::fs::File::from(fd).metadata().ok()?;
    (!m.file_type().is_char_device()).then(|| FileId::Inode(m.dev(), m.ino()))
}

/// The absolute path of a file that may not exist yet: every leading part
/// that exists is resolved as the system would (links, `..`); the rest is
/// taken as written.
fn normalised(path: &Path) -> PathBuf {
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf())
    };
    let mut resolved = PathBuf::new();
    let mut exists = true;
    for part in absolute.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir if !exists => {
                resolved.pop();
            }
            part => {
                resolved.push(part);
                if exists {
                    match resolved.canonicalize() {
                        Ok(r) => resolved = r,
                        Err(_) => exists = false,
                    }
                }
            }
        }
    }
    resolved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(p: Paths) -> Result<(), String> {
        p.check().map_err(|e| e.0)
    }

    fn out<'a>(p: Paths<'a>, option: &'static str, path: &'a Path) -> Paths<'a> {
        p.output(option, Role::Output, Some(path))
    }

    #[test]
    fn a_new_file_is_known_by_any_path_to_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("real")).unwrap();
        std::os::unix::fs::symlink(dir.path().join("real"), dir.path().join("link")).unwrap();
        let a = dir.path().join("real/new.csv");
        for b in [
            dir.path().join("link/new.csv"),
            dir.path().join("real/./new.csv"),
            dir.path().join("link/../real/new.csv"),
            dir.path().join("real/gone/../new.csv"),
        ] {
            assert_eq!(normalised(&a), normalised(&b), "{}", b.display());
        }
        assert_ne!(normalised(&a), normalised(&dir.path().join("new.csv")));
    }

    #[test]
    fn two_outputs_not_yet_there_are_compared_by_path() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("x.csv"), dir.path().join("./x.csv"));
        let e = check(out(out(Paths::default(), "-o", &a), "--journal", &b)).unwrap_err();
        assert!(e.contains("are the same file"), "{e}");
        let c = dir.path().join("y.csv");
        check(out(out(Paths::default(), "-o", &a), "--journal", &c)).unwrap();
        // A link to no file yet is the file it would make: the journal
        // would have been written over by the output.
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink("y.csv", &link).unwrap();
        let e = check(out(out(Paths::default(), "-o", &link), "--journal", &c)).unwrap_err();
        assert!(e.contains("are the same file"), "{e}");
    }

    #[test]
    fn the_null_device_is_never_in_the_way() {
        let null = Path::new("/dev/null");
        if null_device().is_none() {
            return;
        }
        let p = out(out(Paths::default().export(null), "-o", null), "--x", null);
        check(p).unwrap();
    }

    #[test]
    fn in_place_may_be_the_export_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let e = dir.path().join("in.csv");
        std::fs::write(&e, "x").unwrap();
        let w = WriteFlags {
            output: None,
            in_place: true,
            output_format: None,
            sanitize_formulas: false,
        };
        check(Paths::default().export(&e).write(&e, &w)).unwrap();
        let err = check(Paths::default().export(&e).write(&e, &w).journal(Some(&e))).unwrap_err();
        assert!(err.contains("--journal"), "{err}");
    }

    #[test]
    fn stdin_is_read_once_and_stdout_written_once() {
        let dash = Path::new("-");
        let e = check(Paths::default().export(dash).input("--journal", dash)).unwrap_err();
        assert!(e.contains("both read stdin"), "{e}");
        let e = check(out(out(Paths::default(), "-o", dash), "--x", dash)).unwrap_err();
        assert!(e.contains("both write to stdout"), "{e}");
        check(out(Paths::default().export(dash), "-o", dash)).unwrap();
    }
}
