//! One module per output format.

pub(crate) mod console;
pub(crate) mod json;
