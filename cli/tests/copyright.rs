//! `--keep copyright` on a photo with GPS, a camera, a serial number, dates and an author:
//! exiftool (which shares no code with imgstrip) writes the metadata and reads the output,
//! which holds exactly the artist, copyright, creator and rights. Without exiftool the test
//! is skipped, or fails under `CI=true`.

mod common;

use std::process::Command;

use common::*;

fn exiftool(dir: &std::path::Path, args: &[&str]) -> Option<String> {
    let o = Command::new("exiftool")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn keep_copyright_keeps_exactly_the_credit() {
    let dir = scratch("keep_copyright");
    put(&dir, &[("plain.jpg", &jpeg())]);
    let wrote = exiftool(
        &dir,
        &[
            "-q",
            "-o",
            "photo.jpg",
            "-Artist=Ann Author",
            "-Copyright=(c) 2024 Ann Author",
            "-XMP-dc:Creator=Ann Author",
            "-XMP-dc:Rights=All rights reserved",
            "-GPSLatitude=48.85",
            "-GPSLatitudeRef=N",
            "-Make=CanaryCam",
            "-Model=Canary 1",
            "-SerialNumber=1234567",
            "-DateTimeOriginal=2024:05:06 07:08:09",
            "-XMP-photoshop:City=Canaryville",
            "plain.jpg",
        ],
    );
    if wrote.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "exiftool is required under CI=true");
        eprintln!("skipping --keep copyright test: exiftool not found");
        return;
    }
    let o = strip(&dir, &["photo.jpg", "--keep", "copyright", "-o", "out.jpg"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = exiftool(&dir, &["-a", "-G1", "-s", "out.jpg"]).unwrap();
    let mut credit: Vec<&str> = Vec::new();
    for line in shown.lines() {
        let mut words = line.split_whitespace();
        let (group, tag) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        match group {
            "[ExifTool]" | "[System]" | "[File]" | "[JFIF]" | "[Composite]" => {
                assert!(!line.contains("GPS"), "{line}");
            }
            "[IFD0]" | "[XMP-dc]" => credit.push(line),
            _ => panic!("left in the output: {line}"),
        }
        assert!(
            !["Canary", "1234567", "2024:05:06"]
                .iter()
                .any(|w| line.contains(w)),
            "{line}"
        );
        let _ = tag;
    }
    credit.sort_unstable();
    assert_eq!(
        credit,
        [
            "[IFD0]          Artist                          : Ann Author",
            "[IFD0]          Copyright                       : (c) 2024 Ann Author",
            "[XMP-dc]        Creator                         : Ann Author",
            "[XMP-dc]        Rights                          : All rights reserved",
        ]
    );
    // The help lists the flag.
    let help = strip(&dir, &["--help"]);
    assert!(stdout(&help).contains("copyright"));
}

/// A GIF cannot carry the credit: the command says so on stderr, and `--report` names the
/// flag.
#[test]
fn keep_copyright_on_a_gif_says_it_cannot_carry_it() {
    let dir = scratch("keep_copyright_gif");
    let gif: &[u8] = &[
        b'G', b'I', b'F', b'8', b'9', b'a', 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF,
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 1, 0, 0x3B,
    ];
    put(&dir, &[("plain.gif", gif)]);
    let wrote = exiftool(
        &dir,
        &[
            "-q",
            "-o",
            "photo.gif",
            "-XMP-dc:Creator=Ann Author",
            "plain.gif",
        ],
    );
    if wrote.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "exiftool is required under CI=true");
        eprintln!("skipping GIF --keep copyright test: exiftool not found");
        return;
    }
    let o = strip(
        &dir,
        &[
            "photo.gif",
            "--keep",
            "copyright",
            "-o",
            "out.gif",
            "--report",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("photo.gif: copyright not kept: GIF cannot carry it"),
        "{}",
        stderr(&o)
    );
    assert!(
        stdout(&o).contains(r#""not_kept":["copyright"]"#),
        "{}",
        stdout(&o)
    );
    assert!(!contains(&read(&dir, "out.gif"), b"Ann Author"));
    // Without the flag, nothing is said.
    let o = strip(&dir, &["photo.gif", "-o", "out2.gif"]);
    assert!(o.status.success() && o.stderr.is_empty(), "{}", stderr(&o));
}
