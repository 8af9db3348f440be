// Several mistakes in one document: all are reported, each with its file, line and column,
// and the generated signatures still exist, so `main` compiles without further errors.
arazzo::arazzo_workflow!("ui/fixtures/typos.arazzo.yml");

fn main() {
    let _ = list_roles;
}
