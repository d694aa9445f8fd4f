//! Rebuilds the SDK when the WIT contract changes: `wit_bindgen::generate!`
//! reads `../wit` at compile time but does not tell cargo, so without this a
//! changed contract would leave guests built against the old one.

fn main() {
    println!("cargo:rerun-if-changed=../wit");
}
