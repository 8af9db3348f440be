// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/types_maps.rs");
}

fn main() {
    let _ = generated::count_pets;
    let _ = generated::run_workflow;
}
