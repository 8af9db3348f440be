//! The names a generated document defines, for checking a client's settings against them.

/// The `name`s of a generated document's source descriptions and of its OpenAPI
/// descriptions' security schemes (those of the documents it runs included). The generated
/// code has them as `NAMES`; give them to
/// [`ClientBuilder::names`](crate::ClientBuilder::names), or build the client with the
/// generated `client_builder()`, and `build()` rejects a base URL, server variable or
/// credential that names something the documents do not have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Names {
    /// Source description names, sorted.
    pub sources: &'static [&'static str],
    /// Security scheme names, sorted.
    pub schemes: &'static [&'static str],
}

/// The known name closest to `name`, when one is close enough to suggest: a match that
/// ignores case, else one within a third of the name's length in edits.
pub(crate) fn closest<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    let lower = name.to_lowercase();
    if let Some(same) = known.iter().find(|k| k.to_lowercase() == lower) {
        return Some(same);
    }
    let limit = name.chars().count().max(3) / 3;
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, &k.to_lowercase()), *k))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn suggests_a_close_name() {
        let known = ["kindeManagementApi", "billing"];
        assert_eq!(
            closest("kindeManagmentApi", &known),
            Some("kindeManagementApi")
        );
        assert_eq!(closest("BILLING", &known), Some("billing"));
        assert_eq!(closest("payments", &known), None);
    }
}
