//! Compiles the sample library in `runbooks/` into the binary, so `muster` works from any folder.

use std::fs;
use std::path::Path;

fn walk(dir: &Path, base: &Path, out: &mut Vec<String>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        if p.is_dir() {
            walk(&p, base, out);
        } else if p.extension().is_some_and(|x| x == "ron") {
            out.push(
                p.strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
            );
        }
    }
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = root.join("runbooks");
    println!("cargo:rerun-if-changed=runbooks");
    let mut files = Vec::new();
    walk(&base, &base, &mut files);
    for f in &files {
        println!("cargo:rerun-if-changed=runbooks/{f}");
    }
    let mut code = String::from(
        "/// The sample library's files: (path inside the library, contents).\npub static BUILTIN: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        code.push_str(&format!("    ({f:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/runbooks/{f}\"))),\n"));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin.rs");
    fs::write(out, code).unwrap();
}
