// The committed snapshot of generated code must compile without a single warning.
#![deny(warnings)]

mod generated {
    include!("../../codegen/tests/output/shop.rs");
}

fn main() {
    let _ = generated::browse_all_items;
    let _ = generated::place_order;
    let _ = generated::ping_forever;
    let _ = generated::order_and_confirm;
    let _ = generated::order_after_login;
    let _ = generated::run_workflow;
}
