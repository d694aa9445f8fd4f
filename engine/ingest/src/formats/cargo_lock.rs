//! Not yet implemented.

use crate::error::FormatError;
use crate::formats::{Output, ParseInput};
use crate::sniff::Sniff;

pub(crate) fn detect(_sniff: &Sniff<'_>) -> bool {
    false
}

pub(crate) fn parse(_input: &ParseInput<'_>, _output: &mut Output) -> Result<(), FormatError> {
    Err(FormatError::new("not implemented"))
}
