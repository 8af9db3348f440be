// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/types_collisions.rs");
}

fn main() {
    let _ = generated::read_clashes;
    let _ = generated::run_workflow;
}
