// The checker's warnings are rustc warnings at the path, with the YAML position: a
// header the operation does not declare. (The error below only makes this a
// compile-fail case, so that the warning is in the output trybuild compares.)
arazzo::arazzo_workflow!("ui/fixtures/warnings.arazzo.yml");

fn main() {
    let moved = String::new();
    drop(moved);
    drop(moved);
}
