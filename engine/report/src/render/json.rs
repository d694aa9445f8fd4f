//! The verdict document as pretty JSON, it parses back to exactly the
//! verdict, and is safe to print: hidden characters are `\u` escapes (see
//! [`crate::text::json`]). Written straight to the output, never held whole.

use std::io;
use verdict_gate::document::Verdict;

pub(crate) fn render(verdict: &Verdict, out: &mut dyn io::Write) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    crate::text::json::to_writer_pretty(&mut out, verdict).map_err(io::Error::from)?;
    io::Write::write_all(&mut out, b"\n")?;
    io::Write::flush(&mut out)
}
