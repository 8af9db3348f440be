//! The base URI of an Arazzo document, which Arazzo 1.1's `$self` sets, and where a
//! relative source description url leads from it (1.1, "Establishing the Base URI").
//!
//! ```yaml
//! $self: https://example.com/flows/pets.arazzo.yaml
//! sourceDescriptions:
//!   - name: pets
//!     url: ./pets.openapi.yaml   # https://example.com/flows/pets.openapi.yaml: remote
//! ```

use std::path::{Path, PathBuf};

use crate::source::normalize_path;

/// What relative references in a document resolve against.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Base {
    /// A folder, relative to the generator's base directory like the document's path:
    /// the document's own folder, or where a relative or `file:` `$self` puts it.
    Dir(PathBuf),
    /// A remote `$self`: relative references lead to remote files too.
    Remote(url::Url),
}

/// The base of the document at `path` (as displayed, relative to the base directory) whose
/// `$self` is `self_uri`. A `$self` that is not hierarchical (`urn:…`) cannot resolve
/// relative references, so the document's location stays the base.
pub(super) fn base(path: &Path, self_uri: Option<&str>) -> Base {
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let Some(self_uri) = self_uri.map(str::trim).filter(|s| !s.is_empty()) else {
        return Base::Dir(dir);
    };
    match url::Url::parse(self_uri) {
        Ok(url) if url.scheme() == "file" => match url.to_file_path() {
            Ok(file) => Base::Dir(file.parent().map(Path::to_path_buf).unwrap_or(dir)),
            Err(()) => Base::Dir(dir),
        },
        Ok(url) if !url.cannot_be_a_base() => Base::Remote(url),
        Ok(_) => Base::Dir(dir),
        // A relative reference: resolved against the document's own location first.
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            if self_uri.starts_with("//") {
                return Base::Dir(dir);
            }
            let path_part = self_uri.split(['?', '#']).next().unwrap_or_default();
            let decoded = crate::openapi::percent_decode(path_part);
            let joined = normalize_path(&dir.join(decoded.as_ref()));
            Base::Dir(if path_part.ends_with('/') {
                joined
            } else {
                joined.parent().map(Path::to_path_buf).unwrap_or_default()
            })
        }
        Err(_) => Base::Dir(dir),
    }
}

/// Where a relative url leads from a remote base, as an absolute URL.
pub(super) fn remote(base: &url::Url, reference: &str) -> Option<String> {
    base.join(reference).ok().map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(path: &str) -> Base {
        Base::Dir(PathBuf::from(path))
    }

    #[test]
    fn bases() {
        let doc = Path::new("flows/main.arazzo.yaml");
        assert_eq!(base(doc, None), dir("flows"));
        assert_eq!(base(doc, Some("sub/other.yaml")), dir("flows/sub"));
        assert_eq!(base(doc, Some("../up/x.yaml")), dir("up"));
        assert_eq!(base(doc, Some("sub/")), dir("flows/sub"));
        assert_eq!(base(doc, Some("file:///srv/api/x.yaml")), dir("/srv/api"));
        assert_eq!(base(doc, Some("urn:uuid:1234")), dir("flows"));
        let Base::Remote(url) = base(doc, Some("https://example.com/a/b.yaml")) else {
            panic!("expected a remote base");
        };
        assert_eq!(
            remote(&url, "./openapi.yaml").as_deref(),
            Some("https://example.com/a/openapi.yaml")
        );
        assert_eq!(
            remote(&url, "../c/d.yaml").as_deref(),
            Some("https://example.com/c/d.yaml")
        );
    }
}
