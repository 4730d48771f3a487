//! The driver the JPEG, PNG, GIF and WebP re-walkers share: step through the bytes one unit
//! at a time until the walk ends or meets a fault ([`walk`]), then read the walk as the
//! image units a strip must keep ([`image_units`]) or as the leftover lines it must not leave
//! ([`leftovers`]). Each format gives only its step and its view of one unit.

use super::Unit;

/// A walk: its whole units in file order, and why it stopped early, if it did.
#[derive(Debug, Clone)]
pub struct Walked<I> {
    pub items: Vec<I>,
    pub problem: Option<String>,
}

/// Walks from `from`, after the units already in `items`: each call of `step` reads what is
/// at `pos` into `items` and says where the next unit starts (`Ok(Some(next))`), that the
/// walk ends well there (`Ok(None)`: the end mark, the end of the data or of a container),
/// or why it cannot go on (`Err`: a unit cut off, a length that lies, a byte that starts
/// nothing).
pub fn walk<I>(
    mut items: Vec<I>,
    from: usize,
    mut step: impl FnMut(usize, &mut Vec<I>) -> Result<Option<usize>, String>,
) -> Walked<I> {
    let mut pos = from;
    let problem = loop {
        match step(pos, &mut items) {
            Ok(Some(next)) => {
                assert!(next > pos, "test walker bug: no progress at {pos}");
                pos = next;
            }
            Ok(None) => break None,
            Err(why) => break Some(why),
        }
    };
    Walked { items, problem }
}

/// The image-carrying units of a walk: `unit` of each item (`None`: not image), in order.
/// `Err` when the bytes do not walk at all: no item, and a fault.
pub fn image_units<I>(
    items: &[I],
    problem: Option<&str>,
    unit: impl FnMut(&I) -> Option<Unit>,
) -> Result<Vec<Unit>, String> {
    match problem {
        Some(why) if items.is_empty() => Err(why.to_string()),
        _ => Ok(items.iter().filter_map(unit).collect()),
    }
}

/// The leftover lines of a stripped output's walk, one line each: the fault the walk stopped
/// at, then what `check` finds in each item.
pub fn leftovers<I>(
    items: &[I],
    problem: Option<&str>,
    mut check: impl FnMut(&I, &mut Vec<String>),
) -> Vec<String> {
    let mut left = fault(problem);
    for item in items {
        check(item, &mut left);
    }
    left
}

/// The leftover line of the fault a walk stopped at, if it did (the first line of
/// [`leftovers`], for a format that checks its units otherwise).
pub fn fault(problem: Option<&str>) -> Vec<String> {
    problem
        .map(|why| format!("output does not walk: {why}"))
        .into_iter()
        .collect()
}
