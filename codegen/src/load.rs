//! Loading: the only IO. Reads the Arazzo document and its source descriptions.

use std::path::{Path, PathBuf};

use crate::diag::Ctxt;
use crate::settings::Settings;

/// Everything read for one generation.
pub(crate) struct Loaded {
    /// Every file read, absolute, sorted and deduplicated.
    pub files: Vec<PathBuf>,
}

pub(crate) fn load(_cx: &Ctxt, _base_dir: &Path, _file: &Path, _settings: &Settings) -> Option<Loaded> {
    None
}
