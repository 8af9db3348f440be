// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/types_recursion.rs");
}

fn main() {
    let _ = generated::walk_tree;
    let _ = generated::run_workflow;
}
