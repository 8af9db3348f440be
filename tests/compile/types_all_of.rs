// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/types_all_of.rs");
}

fn main() {
    let _ = generated::read_keeper;
    let _ = generated::run_workflow;
}
