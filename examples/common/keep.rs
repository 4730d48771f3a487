//! `--keep LIST`, shared by the `strip` and `inspect` examples (each includes this file with
//! `#[path]`: one example cannot use another's modules).

use imgstrip::Keep;

/// `orientation,icc` → flags; `display` is both.
pub fn parse_keep(list: &str) -> Result<Keep, String> {
    let mut keep = Keep::empty();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        keep |= match name.to_ascii_lowercase().as_str() {
            "orientation" => Keep::ORIENTATION,
            "icc" => Keep::ICC,
            "display" => Keep::DISPLAY,
            _ => {
                return Err(format!(
                    "--keep: unknown {name:?} (orientation, icc, display)"
                ))
            }
        };
    }
    Ok(keep)
}
