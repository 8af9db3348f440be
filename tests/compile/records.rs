// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/records.rs");
}

fn main() {
    let _ = generated::place_order;
    let _ = generated::upload_document;
    let _ = generated::run_workflow;
}
