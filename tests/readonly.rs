//! Searching and serving an index this process may not write to: on a read-only mount, and
//! as another user. Neither may need a lock file written, and indexing into such a folder
//! says that it cannot write there, not that another indexer is.
//!
//! The mount needs root (`mount --bind`), which CI has (`.ci/run` runs as root here); without
//! it that test fails and says so. Another user's index is tested as `nobody` when root, and
//! as this user on a copy made unwritable with `chmod -R a-w` otherwise.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Server, vestnik};

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .map(|ids| ids.split_whitespace().nth(1) == Some("0"))
        })
        .unwrap_or(false)
}

/// A copy of the sample corpus's index in a folder every user may enter (a temporary folder
/// is its owner's alone).
fn copy_of_index(dir: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let index = dir.join("index");
    common::copy_dir(common::corpus_index(), &index);
    index
}

/// `vestnik`, run through `program` (`setpriv ...` to run it as another user; empty: directly).
fn command(program: &[&str]) -> Command {
    let vestnik = assert_cmd::cargo::cargo_bin("vestnik");
    match program.split_first() {
        None => Command::new(vestnik),
        Some((first, rest)) => {
            let mut cmd = Command::new(first);
            cmd.args(rest).arg(vestnik);
            cmd
        }
    }
}

fn run(program: &[&str], args: &[&str]) -> std::process::Output {
    command(program).args(args).output().unwrap()
}

/// Every reading command on `index`, run through `program` (empty: directly), succeeds and
/// answers as on a writable index; `vestnik index` fails and says why.
fn reads_but_never_writes(program: &[&str], index: &Path) {
    let dir = index.to_str().unwrap();
    let out = run(
        program,
        &["search", "права детей", "--format", "json", "--index", dir],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"], common::search("права детей").total);

    for args in [
        &["entities", "--type", "person", "--index", dir][..],
        &["related", "--person", "Карин", "--index", dir],
        &["timeline", "*", "--by", "year", "--index", dir],
    ] {
        let out = run(program, args);
        assert!(
            out.status.success() && !out.stdout.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let mut serve = command(program);
    serve.args(["serve", "--addr", "127.0.0.1:0", "--index", dir]);
    let server = Server::spawn(serve);
    let (status, r) = server.json("/api/search?q=%D0%B4%D0%B5%D1%82%D0%B5%D0%B9");
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["total"], common::search("детей").total);
    drop(server);

    let out = run(
        program,
        &[
            "index",
            common::corpus_dir().to_str().unwrap(),
            "--index",
            dir,
        ],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write to the index in"), "{stderr}");
    assert!(!stderr.contains("another"), "{stderr}");
}

/// Unmounts when dropped, also when the test fails.
struct Mounted(PathBuf);

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn sh(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_read_only_mount_is_searched_and_served() {
    assert!(
        is_root(),
        "this test bind-mounts an index read-only, which needs root; run it as root (CI does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let index = copy_of_index(dir.path());
    let mount = dir.path().join("ro");
    std::fs::create_dir(&mount).unwrap();
    sh(
        "mount",
        &["--bind", index.to_str().unwrap(), mount.to_str().unwrap()],
    );
    let _mounted = Mounted(mount.clone());
    sh("mount", &["-o", "remount,ro,bind", mount.to_str().unwrap()]);
    assert!(
        std::fs::write(mount.join("probe"), "x").is_err(),
        "the mount is writable"
    );

    reads_but_never_writes(&[], &mount);
}

#[test]
fn an_index_without_lock_files_on_a_read_only_mount_is_searched() {
    assert!(
        is_root(),
        "this test bind-mounts an index read-only, which needs root; run it as root (CI does)"
    );
    let dir = tempfile::tempdir().unwrap();
    let index = copy_of_index(dir.path());
    for lock in [".tantivy-meta.lock", ".tantivy-writer.lock"] {
        let _ = std::fs::remove_file(index.join(lock));
    }
    let mount = dir.path().join("ro");
    std::fs::create_dir(&mount).unwrap();
    sh(
        "mount",
        &["--bind", index.to_str().unwrap(), mount.to_str().unwrap()],
    );
    let _mounted = Mounted(mount.clone());
    sh("mount", &["-o", "remount,ro,bind", mount.to_str().unwrap()]);

    let out = vestnik()
        .args(["search", "детей", "--format", "json", "--index"])
        .arg(&mount)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"], common::search("детей").total);
}

#[test]
fn another_users_index_is_searched_and_served() {
    let dir = tempfile::tempdir().unwrap();
    let index = copy_of_index(dir.path());
    sh("chmod", &["-R", "a-w", index.to_str().unwrap()]);
    let before = listing(&index);
    if is_root() {
        // Root writes anywhere; `nobody` may read the copy but not write to it.
        let nobody = [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ];
        reads_but_never_writes(&nobody, &index);
    } else {
        reads_but_never_writes(&[], &index);
    }
    assert_eq!(listing(&index), before, "reading changed the index folder");
    sh("chmod", &["-R", "u+w", index.to_str().unwrap()]);
}

/// Each file of a folder with its size and modification time.
fn listing(dir: &Path) -> Vec<(String, u64, std::time::SystemTime)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let meta = e.metadata().unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                meta.len(),
                meta.modified().unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}
