//! Robustness: every prefix, corruptions, idempotence, never larger, linear work.

use super::*;

#[test]
fn every_prefix_gives_ok_or_a_typed_error() {
    for input in [still(false), still(true), grid_in_idat(), sequence()] {
        for n in 0..input.len() {
            match strip(&input[..n]) {
                Ok(out) => {
                    assert!(out.len() <= n);
                    assert_eq!(strip(&out).unwrap(), out, "prefix {n}: not idempotent");
                }
                Err(
                    Error::UnknownFormat
                    | Error::Truncated { .. }
                    | Error::Malformed { .. }
                    | Error::Unsupported { .. },
                ) => {}
                Err(e) => panic!("prefix {n}: {e:?}"),
            }
        }
    }
}

#[test]
fn single_byte_corruptions_never_panic() {
    let input = sequence();
    for i in 0..input.len() {
        for v in [0x00, 0x01, 0x7F, 0xFF] {
            let mut bad = input.clone();
            bad[i] = v;
            if let Ok(out) = strip(&bad) {
                assert_eq!(strip(&out).unwrap(), out, "byte {i} = {v}: not idempotent");
            }
        }
    }
}

#[test]
fn outputs_are_stable_and_never_larger() {
    for input in [still(false), still(true), grid_in_idat(), sequence()] {
        let out = stripped(&input);
        let display = Stripper::new()
            .keep(Keep::DISPLAY)
            .strip(&input)
            .unwrap()
            .data;
        assert!(display.len() <= input.len());
        assert_eq!(
            Stripper::new()
                .keep(Keep::DISPLAY)
                .strip(&display)
                .unwrap()
                .data,
            display
        );
        assert!(out.len() <= display.len());
    }
}

/// `iloc` with `offset_size` 0: each item's extents all start at its base offset, so the
/// rebuilt box keeps that form (a base per item, no extent offsets) rather than growing by
/// an offset per extent. Items: 1 with one extent of `PIXELS`, 2 with `repeat` extents of
/// the same 4 bytes (legal, if odd; the data is those bytes `repeat` times).
fn base_only_iloc(repeat: usize) -> Vec<u8> {
    let build = |base: u32| {
        let mut b = vec![0x04, 0x40, 0, 2]; // offset 0, length 4, base 4, index 0; 2 items
        b.extend_from_slice(&[0, 1, 0, 0, 0, 0]); // item 1, method 0, this file
        b.extend_from_slice(&base.to_be_bytes());
        b.extend_from_slice(&[0, 1]);
        b.extend_from_slice(&(PIXELS.len() as u32).to_be_bytes());
        b.extend_from_slice(&[0, 2, 0, 0, 0, 0]);
        b.extend_from_slice(&(base + 4).to_be_bytes());
        b.extend_from_slice(&u16::try_from(repeat).unwrap().to_be_bytes());
        for _ in 0..repeat {
            b.extend_from_slice(&4u32.to_be_bytes());
        }
        meta(&[
            hdlr(""),
            pitm(1),
            full(b"iloc", 1, 0, &b),
            iinf(&[infe(1, b"hvc1", ""), infe(2, b"hvc1", "")]),
            iprp(
                &[bx(b"hvcC", b"config"), ispe(64, 48)],
                ipma(&[(1, &[(true, 1), (false, 2)]), (2, &[(true, 1), (false, 2)])]),
            ),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    cat(&[ftyp(), build(base), bx(b"mdat", PIXELS)])
}

#[test]
fn an_iloc_without_extent_offsets_keeps_that_form_and_never_grows() {
    for repeat in [1, 2, 100] {
        let input = base_only_iloc(repeat);
        let out = stripped(&input);
        assert!(
            out.len() <= input.len(),
            "{repeat}: {} > {}",
            out.len(),
            input.len()
        );
        assert_eq!(item(&out, 1).unwrap(), PIXELS);
        assert_eq!(item(&out, 2).unwrap(), PIXELS[4..8].repeat(repeat));
        let iloc = meta_child(&out, b"iloc").unwrap();
        assert_eq!(iloc[12..14], [0x04, 0x40], "offset size 0, base size 4");
    }
}

/// An `infe` that ends right after `item_type` has no name to empty, and gets none.
#[test]
fn an_item_entry_without_a_name_field_is_not_given_one() {
    let bare = full(b"infe", 2, 0, &[&[0u8, 1, 0, 0][..], b"hvc1"].concat());
    let build = |base: u32| {
        meta(&[
            hdlr(""),
            pitm(1),
            iloc(0, &[(1, 0, &[(base, PIXELS.len() as u32)])]),
            iinf(std::slice::from_ref(&bare)),
            iprp(
                &[bx(b"hvcC", b"config"), ispe(64, 48)],
                ipma(&[(1, &[(true, 1), (false, 2)])]),
            ),
        ])
    };
    let base = u32::try_from(ftyp().len() + build(0).len() + 8).unwrap();
    let input = cat(&[ftyp(), build(base), bx(b"mdat", PIXELS)]);
    let out = stripped(&input);
    assert_eq!(out, input, "nothing to remove, nothing added");
}

#[test]
fn many_items_take_linear_work() {
    // 15,000 and 60,000 items (up to 1.3 MB of infe and iloc): four times the items must
    // cost about four times the work (counted by `crate::work`, as in `linear_tests`), not
    // sixteen.
    let work = |n: u16| {
        let entries: Vec<Vec<u8>> = (1..=n)
            .map(|id| infe(id, if id % 2 == 0 { b"Exif" } else { b"hvc1" }, ""))
            .collect();
        let locs: Vec<Loc<'_>> = (1..=n).map(|id| (id, 0, &[][..])).collect();
        let input = cat(&[
            ftyp(),
            meta(&[hdlr(""), pitm(1), iinf(&entries), iloc(0, &locs)]),
        ]);
        crate::work::take();
        let out = stripped(&input);
        assert!(out.len() < input.len());
        crate::work::take()
    };
    let (small, large) = (work(15_000), work(60_000));
    let ratio = large as f64 / small as f64;
    assert!(ratio <= 4.5, "work {small}, then {large}: ratio {ratio:.2}");
}
