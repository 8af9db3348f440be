// `allow = [..]` drops the warnings of a rule: the document that warns in `ui/warnings.rs`
// compiles here under `deny(warnings)`.
#![deny(warnings)]

arazzo::arazzo_workflow!(
    "ui/fixtures/warnings.arazzo.yml",
    allow = ["unknown-parameter"],
);

fn main() {
    let _ = browse;
}
