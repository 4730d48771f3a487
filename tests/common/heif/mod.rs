//! The tests' own view of HEIF/AVIF (ISO/IEC 14496-12 § 4.2, 8.11; ISO/IEC 23008-12 § 6, 9):
//! an independent re-walker of the box tree that resolves every item's data, properties and
//! references, and every track's samples; and builders of hostile files.
//!
//! The re-walker is an allow-list too (SPEC.md "Allow-list, everywhere"), written from the
//! standards and not from `src/heif`: an item stays only when its type is an image coding or
//! derivation, a property only when it describes the decoded picture (and no longer than its
//! definition), a box only where ISO/IEC 14496-12 needs it to decode the samples.

mod boxes;
mod build;
mod items;
mod large;
mod leftovers;
mod sequence;
mod units;

// Each test binary uses a different part of this module.
#[allow(unused_imports)]
pub use boxes::{boxes, bx, full, name, Bx};
#[allow(unused_imports)]
pub use build::{build, dinf, MetaItem, Spec};
#[allow(unused_imports)]
pub use items::{defined_body_len, IMAGE_ITEMS, PICTURE_PROPERTIES, SELF_CONTAINED_DINF};
#[allow(unused_imports)]
pub use large::{many_extents, meta_and_moov_len, tile_grid};
#[allow(unused_imports)]
pub use leftovers::leftovers;
#[allow(unused_imports)]
pub use sequence::{build_sequence, At, SeqSpec, EVERY_AT};
#[allow(unused_imports)]
pub use units::image_units;
