// A YAML syntax error is one error: the skeleton of what the rest of the document declares
// (types and functions) is still emitted, so the code below has no errors of its own.
arazzo::arazzo_workflow!("ui/fixtures/syntax-error.arazzo.yml");

async fn run(client: &arazzo::Client) -> Result<i64, arazzo::Error> {
    let order = order(client, OrderInputs { item_id: 1 }).await?;
    browse(client, BrowseInputs { page: Some(2) }).await?;
    Ok(order.id)
}

fn main() {
    let _ = run;
}
