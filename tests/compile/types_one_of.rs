// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/types_one_of.rs");
}

fn main() {
    let _ = generated::find_things;
    let _ = generated::run_workflow;
}
