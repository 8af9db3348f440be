arazzo::arazzo_workflow!("ui/fixtures/typos.arazzo.yml", strikt = true);

fn main() {}
