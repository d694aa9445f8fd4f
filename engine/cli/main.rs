//! The `verdict` command line.

fn main() {}
