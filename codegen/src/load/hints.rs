//! Hints for sources that cannot be read: how to map a source description to a local file
//! in the front end at hand, and a file of the same name near the document.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use crate::settings::{FrontEnd, Settings};

/// How deep below the document's folder a file of the same name is looked for.
const MAX_DEPTH: usize = 4;

/// How many directory entries the search reads at most, so that a document at the root of
/// a large tree does not stall the build.
const MAX_ENTRIES: usize = 5_000;

/// "map it to a local file: …", in the syntax of the front end that runs the generator.
pub(crate) fn mapping(settings: &Settings, name: &str, path: Option<&str>) -> String {
    let path = path.unwrap_or("path/to/file.yaml");
    match settings.front_end {
        FrontEnd::Macro => {
            format!("map it to a local file: `sources = {{ {name} = \"{path}\" }}` in the macro")
        }
        FrontEnd::Cli => format!("map it to a local file: `--source {name}={path}`"),
        FrontEnd::Library => {
            format!("map it to a local file: `Settings::with_source({name:?}, {path:?})`")
        }
    }
}

/// A file named `file_name` under `dir` (the document's folder), the nearest first, as a
/// path relative to `dir`; `None` when there is none within [`MAX_DEPTH`] levels.
pub(crate) fn same_name_under(dir: &Path, file_name: &str) -> Option<PathBuf> {
    if file_name.is_empty() {
        return None;
    }
    let mut queue = VecDeque::from([(dir.to_path_buf(), 0)]);
    let mut read = 0;
    while let Some((current, depth)) = queue.pop_front() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        let mut subdirs = Vec::new();
        for entry in entries.flatten() {
            read += 1;
            if read > MAX_ENTRIES {
                return None;
            }
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_file() && name.eq_ignore_ascii_case(file_name) {
                return entry.path().strip_prefix(dir).ok().map(Path::to_path_buf);
            }
            let skipped = name.starts_with('.') || name == "target" || name == "node_modules";
            if kind.is_dir() && !skipped && depth < MAX_DEPTH {
                subdirs.push(entry.path());
            }
        }
        subdirs.sort();
        queue.extend(subdirs.into_iter().map(|d| (d, depth + 1)));
    }
    None
}

/// The last segment of a path or URL, without a query or fragment: the file name to look
/// for.
pub(crate) fn file_name(url: &str) -> &str {
    let url = url.split(['?', '#']).next().unwrap_or(url);
    url.rsplit('/').next().unwrap_or(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_nearest_file_of_that_name() {
        let dir = std::env::temp_dir().join(format!("arazzo-hints-{}", std::process::id()));
        let deep = dir.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        std::fs::write(dir.join(".git/api.yaml"), "").unwrap();
        std::fs::write(deep.join("api.yaml"), "").unwrap();
        std::fs::write(dir.join("a/API.yaml"), "").unwrap();
        assert_eq!(
            same_name_under(&dir, "api.yaml"),
            Some(PathBuf::from("a/API.yaml"))
        );
        assert_eq!(same_name_under(&dir, "none.yaml"), None);
        assert_eq!(
            file_name("https://x.example/specs/api.yaml?v=2#top"),
            "api.yaml"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
