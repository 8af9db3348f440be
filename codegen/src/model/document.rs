//! The root object, the Info Object and the Source Description Object.

use serde::{Deserialize, Serialize};

use super::{string_or_number, Components, Extensions, Workflow};

/// The Arazzo Specification Object: the root of a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Document {
    /// The version of the Arazzo Specification, such as `1.0.1`.
    ///
    /// Read as a string even when YAML gives a number.
    #[serde(deserialize_with = "string_or_number")]
    pub arazzo: String,
    /// The document's own URI (Arazzo 1.1): its identity, and the base URI of the relative
    /// references in it.
    #[serde(default, rename = "$self", skip_serializing_if = "Option::is_none")]
    pub self_uri: Option<String>,
    /// Metadata about the workflows.
    pub info: Info,
    /// The OpenAPI descriptions and Arazzo documents the workflows use.
    pub source_descriptions: Vec<SourceDescription>,
    /// The workflows.
    pub workflows: Vec<Workflow>,
    /// Reusable objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<Components>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Document {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &[
        "arazzo",
        "$self",
        "info",
        "sourceDescriptions",
        "workflows",
        "components",
    ];
}

impl Document {
    /// The feature set the `arazzo` field names (`major.minor`; the patch is ignored, as
    /// the specification asks), or `None` for a version this generator does not read.
    pub fn spec_version(&self) -> Option<SpecVersion> {
        SpecVersion::parse(&self.arazzo)
    }
}

/// The Arazzo feature sets this generator reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum SpecVersion {
    /// 1.0.x.
    V1_0,
    /// 1.1.x: Selector Objects, `$self`, `querystring`, AsyncAPI steps, action parameters.
    V1_1,
}

impl SpecVersion {
    /// The feature set of a version string such as `1.0.1` or `1.1.0-rc1`.
    pub fn parse(version: &str) -> Option<SpecVersion> {
        let mut parts = version.trim().splitn(3, '.');
        let (major, minor, patch) = (parts.next()?, parts.next()?, parts.next()?);
        let patch_ok = {
            let digits = patch.split(['-', '+']).next().unwrap_or_default();
            !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
        };
        match (major, minor, patch_ok) {
            ("1", "0", true) => Some(SpecVersion::V1_0),
            ("1", "1", true) => Some(SpecVersion::V1_1),
            _ => None,
        }
    }

    /// The feature set as written in messages (`1.0.x`).
    pub fn as_str(self) -> &'static str {
        match self {
            SpecVersion::V1_0 => "1.0.x",
            SpecVersion::V1_1 => "1.1.x",
        }
    }
}

/// The Info Object: metadata about the document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Info {
    /// A human-readable title.
    pub title: String,
    /// A short summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// A description (CommonMark).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The version of the document (not of the specification).
    ///
    /// Read as a string even when YAML gives a number.
    #[serde(deserialize_with = "string_or_number")]
    pub version: String,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl Info {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["title", "summary", "description", "version"];
}

/// The Source Description Object: an OpenAPI description or Arazzo document the
/// workflows use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SourceDescription {
    /// The name used in runtime expressions (`$sourceDescriptions.<name>`).
    pub name: String,
    /// Where the description lives, resolved relative to the Arazzo document.
    pub url: String,
    /// What kind of description it is; when absent the loader looks at the content.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub source_type: Option<SourceType>,
    /// Specification extensions and unknown fields.
    #[serde(flatten)]
    pub extensions: Extensions,
}

impl SourceDescription {
    /// The field names the specification defines for this object.
    pub const FIELDS: &'static [&'static str] = &["name", "url", "type"];
}

/// The `type` of a source description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SourceType {
    /// An OpenAPI description.
    Openapi,
    /// Another Arazzo document, whose workflows steps may call.
    Arazzo,
    /// An AsyncAPI description (Arazzo 1.1).
    Asyncapi,
}

impl SourceType {
    /// The name as written in documents.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceType::Openapi => "openapi",
            SourceType::Arazzo => "arazzo",
            SourceType::Asyncapi => "asyncapi",
        }
    }
}
