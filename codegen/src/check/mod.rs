//! Semantic checks: turn the model into the IR while reporting every problem.

use crate::diag::Ctxt;
use crate::ir;
use crate::load::Loaded;
use crate::settings::Settings;

pub(crate) fn check(_cx: &Ctxt, _loaded: &Loaded, _settings: &Settings) -> Option<ir::Plan> {
    None
}
