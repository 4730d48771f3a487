//! Finds the example binaries that tests/cli.rs and tests/serve run, building them first.
//! Those two include this file with `#[path]`, so they do not compile the rest of
//! tests/common (the oracle decoders).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Builds the examples in `build` once per test binary (a plain `cargo test --test NAME`
/// would not) and returns the path of one of them: `<target>/<profile>/examples/NAME`,
/// beside this test's `deps` folder. Every call in one test binary passes the same `build`.
pub fn example(name: &str, build: &[&str]) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_path_buf();
    BUILT.get_or_init(|| {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["build", "--quiet"]);
        for example in build {
            cargo.args(["--example", example]);
        }
        cargo.arg("--manifest-path").arg(manifest);
        if profile_dir.ends_with("release") {
            cargo.arg("--release");
        }
        let out = cargo.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    });
    let bin = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --examples`",
        bin.display()
    );
    bin
}
