arazzo::arazzo_workflow!("ui/fixtures/does-not-exist.arazzo.yml");

fn main() {}
