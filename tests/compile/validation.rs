// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/validation.rs");
}

fn main() {
    let _ = generated::tagged_items;
    let _ = generated::run_workflow;
}
