//! A Windows or macOS build needs no code change: every Unix-only call is in
//! `src/platform/unix.rs`, which is compiled on Unix only, and every other file calls the
//! platform module. (docs/PORTABILITY.md says what differs per platform.)

use std::path::{Path, PathBuf};

const GATED: &str = "src/platform/unix.rs";
const UNIX_ONLY: [&str; 3] = ["libc::", "std::os::unix", "use libc"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Where the Unix-only names appear in this source, outside comments: (line, text).
fn unix_only_uses(source: &str) -> Vec<(usize, String)> {
    source
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let code = l.split("//").next().unwrap_or("");
            UNIX_ONLY.iter().any(|u| code.contains(u))
        })
        .map(|(i, l)| (i + 1, l.trim().to_string()))
        .collect()
}

#[test]
fn unix_only_calls_live_in_the_gated_module_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    assert!(files.len() > 50, "the sources were not found");
    let mut found = Vec::new();
    for f in files {
        let rel = f
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if rel == GATED {
            continue;
        }
        for (line, text) in unix_only_uses(&std::fs::read_to_string(&f).unwrap()) {
            found.push(format!("{rel}:{line}: {text}"));
        }
    }
    assert!(
        found.is_empty(),
        "Unix-only calls outside {GATED} (move them into src/platform, with a path for the \
         other platforms in src/platform/portable.rs):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_gated_module_is_compiled_on_unix_only() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let m = std::fs::read_to_string(root.join("src/platform/mod.rs")).unwrap();
    assert!(m.contains("#[cfg(unix)]\nmod unix;"), "{m}");
    assert!(m.contains("#[cfg(not(unix))]\nmod portable;"), "{m}");
    // and libc is a dependency on Unix only, so a Windows build never links it
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let unix_deps = cargo
        .split("[target.'cfg(unix)'.dependencies]")
        .nth(1)
        .expect("Cargo.toml has a [target.'cfg(unix)'.dependencies] table");
    let unix_deps = unix_deps.split("\n[").next().unwrap();
    assert!(unix_deps.contains("libc"), "{unix_deps}");
    let everywhere = cargo
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    assert!(
        !everywhere
            .lines()
            .any(|l| l.trim_start().starts_with("libc")),
        "libc is in [dependencies]: move it to [target.'cfg(unix)'.dependencies]"
    );
}

#[test]
fn the_check_sees_a_unix_call_and_ignores_comments() {
    // the test above must be able to fail
    let src = "fn f() {\n    // libc::poll in a comment\n    let n = unsafe { libc::poll(p, 1, 0) };\n    use std::os::unix::fs::OpenOptionsExt;\n}\n";
    let uses = unix_only_uses(src);
    assert_eq!(uses.iter().map(|u| u.0).collect::<Vec<_>>(), vec![3, 4]);
}
