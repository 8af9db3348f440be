arazzo::arazzo_workflow!("ui/fixtures/invalid.arazzo.yml");

fn main() {}
