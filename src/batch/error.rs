//! Why a run wrote nothing (or, for a failed rename, not everything).

use std::io;
use std::path::PathBuf;

use crate::format::ReadError;
use crate::merge::MergeError;
use crate::plan::ApplyError;
use crate::stream::StreamError;

/// Why [`super::run`] failed. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The input could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// Stdin's dates disagree on their order, or with `--date-order`.
    #[error(transparent)]
    DateOrder(#[from] crate::dates::order::OrderError),
    /// A streamed run failed reading the input or recording a merge.
    /// Boxed: it may hold a whole report.
    #[error(transparent)]
    Stream(Box<StreamError>),
    /// A plan in memory failed recording a merge (the input is named).
    /// Boxed: the error holds a whole report.
    #[error("{file}")]
    Apply {
        file: String,
        #[source]
        source: Box<ApplyError>,
    },
    /// The one merge of [`super::Job::Pair`] was refused.
    #[error("{file}: {err}")]
    Merge { file: String, err: Box<MergeError> },
    /// Writing or renaming an output failed (`to` is its path, or "the
    /// journal PATH").
    #[error("cannot write {to}")]
    Write {
        to: String,
        #[source]
        source: io::Error,
    },
    /// Writing the export to stdout failed.
    #[error("cannot write to stdout")]
    Stdout(#[source] io::Error),
    /// Stdout was closed before the whole export was written to it, in a
    /// run with a journal: the journal is left as it was. (Without one, a
    /// closed pipe ends the run quietly, as `head` expects.)
    #[error(
        "stdout was closed before the whole output was written (the reader of the pipe stopped \
         reading, as `head` does), so the journal {} was left as it was and no merge of this run \
         is recorded; write the output to a file (-o FILE) to keep a journal of it",
        journal.display()
    )]
    OutputCutShort { journal: PathBuf },
    #[error("cannot write the journal {}", path.display())]
    JournalWrite {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot read the journal {} to append to it", path.display())]
    JournalRead {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error(
        "cannot write the journal {}: it is a folder; name a file (e.g. {}/merges.jsonl)",
        .0.display(),
        .0.display()
    )]
    JournalIsFolder(PathBuf),
    #[error(
        "the journal {} ends in a line cut off (line {line} is not a whole JSON object, as every \
         journal line is: a copy cut short?); appending to it would leave every merge in it \
         unreadable, this run's too, so nothing was written: remove that line (the merge it \
         held cannot be restored), take the journal from a copy, or give another --journal",
        path.display()
    )]
    JournalCutOff { path: PathBuf, line: u64 },
    #[error(
        "{} is not a journal of merges: line {line}: {what}; appending this run's merges to it \
         would leave them where `unmerge --restore` cannot read them, so nothing was written: \
         give --journal a new file (it is made) or a journal this tool wrote",
        path.display()
    )]
    NotAJournal {
        path: PathBuf,
        line: u64,
        what: String,
    },
    #[error(
        "the journal {} changed while this run was writing it (another run appending to it?); \
         nothing was written: run again once the other run is done",
        .0.display()
    )]
    JournalChanged(PathBuf),
    /// The decisions of a merge could not be encoded for the journal.
    #[error("cannot encode the decisions of the merge for the journal")]
    Decisions(#[source] serde_json::Error),
}

/// [`BatchError::OutputCutShort`] when a write to stdout failed because a
/// reader closed the pipe in a run with a `journal` (the pipe's error may
/// come wrapped in a writer's, as the in-memory way's CSV writer gives it).
pub(super) fn cut_short(
    source: &io::Error,
    journal: Option<&std::path::Path>,
) -> Option<BatchError> {
    let j = journal.filter(|_| crate::error::is_broken_pipe(source))?;
    Some(BatchError::OutputCutShort {
        journal: j.to_path_buf(),
    })
}
