// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/types_structs.rs");
}

fn main() {
    let _ = generated::read_pet;
    let _ = generated::run_workflow;
}
