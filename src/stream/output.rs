//! Where the second pass writes: any writer, or a file that the runs of
//! the input the plan did not touch are copied into by the kernel.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};

/// Where a streamed apply writes its result.
pub enum Sink<'o> {
    /// Any writer (stdout, memory).
    Writer(&'o mut dyn Write),
    /// A file: the runs of the input the plan does not touch are copied
    /// into it by the kernel (`copy_file_range` on Linux), not through
    /// this process; the two passes then read the input once each and
    /// write it once.
    File(&'o mut BufWriter<File>),
}

/// The output of the second pass, which tells its own failures from the
/// input's.
pub(super) struct Output<'o> {
    sink: Sink<'o>,
    pub(super) failed: bool,
    /// Runs copied by the kernel are at least this long
    /// ([`Tuning::direct`](super::Tuning)).
    direct: u64,
}

impl<'o> Output<'o> {
    pub(super) fn new(sink: Sink<'o>, direct: u64) -> Self {
        Output {
            sink,
            failed: false,
            direct,
        }
    }

    /// Copy `input` from `from` up to `to` straight into the output file;
    /// false (nothing done) when the output is not a file or the run is
    /// short. The input's
    /// position is left at `to`. A failure counts as the output's (the
    /// kernel's copy does not tell which side failed).
    pub(super) fn copy_from(&mut self, input: &mut File, from: u64, to: u64) -> io::Result<bool> {
        let Sink::File(out) = &mut self.sink else {
            return Ok(false);
        };
        if to - from < self.direct {
            return Ok(false);
        }
        input.seek(SeekFrom::Start(from))?;
        let len = to - from;
        let copied = io::copy(&mut Read::by_ref(input).take(len), *out)
            .inspect_err(|_| self.failed = true)?;
        if copied < len {
            return Err(super::chunks::changed());
        }
        Ok(true)
    }
}

impl Write for Output<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let out: &mut dyn Write = match &mut self.sink {
            Sink::Writer(w) => *w,
            Sink::File(f) => *f,
        };
        out.write(buf).inspect_err(|_| self.failed = true)
    }

    fn flush(&mut self) -> io::Result<()> {
        let out: &mut dyn Write = match &mut self.sink {
            Sink::Writer(w) => *w,
            Sink::File(f) => *f,
        };
        out.flush().inspect_err(|_| self.failed = true)
    }
}
