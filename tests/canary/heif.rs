//! HEIF / AVIF canaries.

#[allow(unused_imports)]
use super::*;
