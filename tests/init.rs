//! `muster init` starts a library, and standing in a library folder makes it the library.

mod common;
use common::*;

fn run_in(env: &Env, dir: &std::path::Path, args: &[&str]) -> Run {
    let o = env.cmd(args).current_dir(dir).output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

#[test]
fn a_new_library_passes_check_when_checked_from_inside_it() {
    let env = Env::new();
    let r = env.run(&["init", "mylib"]).ok();
    assert!(
        r.stderr.contains("cd mylib && muster check"),
        "{}",
        r.stderr
    );
    let lib = env.dir.path().join("mylib");
    for f in [
        "index.ron",
        "risks.ron",
        "plans/first-plan.ron",
        "README.md",
    ] {
        assert!(lib.join(f).is_file(), "{f}");
    }
    assert!(lib.join("scenarios").is_dir());
    // before the fix `cd mylib && muster check` checked the built-in sample
    let r = run_in(&env, &lib, &["check"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("1 plan(s)"), "{}", r.stdout);
    assert!(
        r.stdout.contains("mylib"),
        "names the library it checked: {}",
        r.stdout
    );
    assert!(!r.stdout.contains("sample"), "{}", r.stdout);
    let r = run_in(&env, &lib, &["list", "--json"]).ok();
    assert!(r.stdout.contains("first-plan"), "{}", r.stdout);
    // the new fields come as a commented skeleton, which reads back once uncommented
    let index = std::fs::read_to_string(lib.join("index.ron")).unwrap();
    assert!(index.contains("//     mtpd: \"1d\""), "{index}");
    let risks = std::fs::read_to_string(lib.join("risks.ron")).unwrap();
    assert!(risks.contains("//     likelihood: 2"), "{risks}");
    let r = run_in(&env, &lib, &["risks", "--json"]).ok();
    assert_eq!(r.stdout.trim(), "[]");
    let uncomment = |t: &str| {
        t.lines()
            .map(|l| match l.strip_prefix("        // ") {
                Some(rest) => format!("        {rest}\n"),
                None => format!("{l}\n"),
            })
            .collect::<String>()
    };
    std::fs::write(lib.join("index.ron"), uncomment(&index)).unwrap();
    std::fs::write(lib.join("risks.ron"), uncomment(&risks)).unwrap();
    let r = run_in(&env, &lib, &["check"]);
    assert!(!r.stderr.contains("RON syntax"), "{}", r.stderr);
    assert!(!r.stderr.contains("unknown field"), "{}", r.stderr);
    let r = run_in(&env, &lib, &["risks", "--json"]);
    assert!(
        r.stdout.contains("\"power-loss\""),
        "{}{}",
        r.stdout,
        r.stderr
    );
}

#[test]
fn a_folder_with_only_plans_is_a_library_too_and_its_errors_are_its_own() {
    let env = Env::new();
    let lib = env.dir.path().join("drafts");
    std::fs::create_dir_all(lib.join("plans")).unwrap();
    std::fs::write(
        lib.join("plans/p.ron"),
        "Plan(id: \"p\", title: \"x\", steps: [])",
    )
    .unwrap();
    let r = run_in(&env, &lib, &["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("index.ron"), "{}", r.stderr);
}

#[test]
fn the_sample_copy_checks_and_init_never_overwrites() {
    let env = Env::new();
    env.run(&["init", "s", "--sample"]).ok();
    let lib = env.dir.path().join("s");
    let r = run_in(&env, &lib, &["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("7 plan(s)"), "{}", r.stdout);
    let before = std::fs::read(lib.join("index.ron")).unwrap();
    let r = env.run(&["init", "s"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already there") && r.stderr.contains("nothing was written"));
    assert_eq!(std::fs::read(lib.join("index.ron")).unwrap(), before);
}

#[test]
fn init_into_a_folder_that_cannot_be_written_is_an_io_error() {
    let env = Env::new();
    std::fs::write(env.dir.path().join("file"), "x").unwrap();
    let r = env.run(&["init", "file/lib"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("cannot write"), "{}", r.stderr);
}
