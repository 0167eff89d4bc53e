//! Files written so that nothing is lost or left half-written:
//!
//! * [`write_atomic`]: a temporary file in the target's folder (mode set before the first
//!   byte), flushed, then renamed over the target. A symlink is written through (its
//!   target changes, the link stays). The temporary file is removed on every error path,
//!   and those a killed run left in that folder are removed by the next write there.
//! * [`write_new`]: the same, but the file must not exist yet (create-new: a hard link of
//!   the complete temporary file, so the name appears with all its bytes or not at all).
//! * [`lock_dir`]: an advisory lock on a folder, held while a command reads, edits and
//!   writes files in it, so that concurrent runs (`plugins add`, `init`, `generate`,
//!   `secret --write`) take turns and each one reads what the one before it wrote.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// How long [`lock_dir`] waits for another rustauth before giving up.
pub(crate) const LOCK_WAIT: Duration = Duration::from_secs(60);

/// The path a write to `path` changes: `path` itself, or, when it is a symlink (a chain
/// of them), the file it points at, which may not exist yet.
pub(crate) fn resolve_link(path: &Path) -> PathBuf {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(target) => {
                p = if target.is_absolute() {
                    target
                } else {
                    p.parent().unwrap_or(Path::new(".")).join(target)
                };
            }
            Err(_) => break,
        }
    }
    p
}

/// The folder of a file path (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// An advisory lock on a folder, released when dropped.
#[derive(Debug)]
pub(crate) struct DirLock {
    _file: File,
}

/// Locks the folder `dir` (created when missing) for this process, waiting up to
/// [`LOCK_WAIT`] for another rustauth that holds it.
pub(crate) fn lock_dir(dir: &Path) -> Result<DirLock> {
    lock_dir_waiting(dir, LOCK_WAIT)
}

pub(crate) fn lock_dir_waiting(dir: &Path, wait: Duration) -> Result<DirLock> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    let file = File::open(dir).with_context(|| format!("cannot lock {}", dir.display()))?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => {
                return Ok(DirLock { _file: file });
            }
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < wait => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another rustauth is changing files in {}; waited {} s for it to finish",
                dir.display(),
                wait.as_secs()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(anyhow::Error::new(e).context(format!("cannot lock {}", dir.display())));
            }
        }
    }
}

/// Locks the folders that hold `paths` (symlinks resolved), each once, in a fixed order
/// (so two runs never wait for each other crosswise).
pub(crate) fn lock_dirs_of(paths: &[&Path]) -> Result<Vec<DirLock>> {
    let mut dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let d = folder_of(&resolve_link(p));
            let _ = std::fs::create_dir_all(&d);
            d.canonicalize().unwrap_or(d)
        })
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs.iter().map(|d| lock_dir(d)).collect()
}

/// The temporary file of this process for `target`.
fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".into());
    folder_of(target).join(format!(".{name}.rustauth-{}.tmp", std::process::id()))
}

/// The process id in a temporary file name `.<name>.rustauth-<pid>.tmp`.
fn temp_owner(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, pid) = rest.rsplit_once(".rustauth-")?;
    pid.parse().ok()
}

/// Whether a process with this id runs.
fn alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks whether the process exists; nothing is sent.
        #[allow(unsafe_code)] // sound: see the SAFETY comment
        let r = unsafe { libc::kill(pid, 0) };
        r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes the temporary files that runs which no longer exist (killed half-way) left in
/// `dir`. They may hold secrets (an `.env` being written).
pub(crate) fn remove_stale_temps(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let me = std::process::id();
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(pid) = temp_owner(&name)
            && pid != me
            && !alive(pid)
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Writes the complete temporary file for `target`; returns its path.
fn write_temp(target: &Path, contents: &[u8], mode: Option<u32>) -> Result<PathBuf> {
    let dir = folder_of(target);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create folder {}", dir.display()))?;
    remove_stale_temps(&dir);
    let tmp = temp_path(target);
    // A leftover of this very process id (a killed run whose id came back): not ours.
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> Result<()> {
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(mode.unwrap_or(0o644));
        }
        #[cfg(not(unix))]
        let _ = mode;
        let mut f = opts
            .open(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(contents)
            .and_then(|_| f.sync_all())
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        Ok(())
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Writes `contents` to `path` atomically, through a symlink to its target; `mode`
/// (Unix) is set on the temporary file before any byte is written, so a secret file is
/// never readable by others.
pub(crate) fn write_atomic(path: &Path, contents: &[u8], mode: Option<u32>) -> Result<()> {
    let target = resolve_link(path);
    let tmp = write_temp(&target, contents, mode)?;
    match std::fs::rename(&tmp, &target) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(anyhow::Error::new(e).context(format!("cannot write {}", target.display())))
        }
    }
}

/// Why [`write_new`] did not write.
#[derive(Debug)]
pub(crate) enum NewFileError {
    /// The name is taken.
    Exists,
    Other(anyhow::Error),
}

/// Creates `path` with `contents`, atomically, only if nothing has that name yet (a
/// symlink counts as taken). The name appears with all its bytes or not at all.
pub(crate) fn write_new(
    path: &Path,
    contents: &[u8],
    mode: Option<u32>,
) -> Result<(), NewFileError> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(NewFileError::Exists);
    }
    let tmp = write_temp(path, contents, mode).map_err(NewFileError::Other)?;
    let linked = std::fs::hard_link(&tmp, path);
    let result = match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(NewFileError::Exists),
        // A file system without hard links: create-new and copy (not atomic, still never
        // over another file).
        Err(_) => {
            let mut opts = std::fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(mode.unwrap_or(0o644));
            }
            match opts.open(path) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    Err(NewFileError::Exists)
                }
                Err(e) => Err(NewFileError::Other(
                    anyhow::Error::new(e).context(format!("cannot create {}", path.display())),
                )),
                Ok(mut f) => f
                    .write_all(contents)
                    .and_then(|_| f.sync_all())
                    .map_err(|e| {
                        let _ = std::fs::remove_file(path);
                        NewFileError::Other(
                            anyhow::Error::new(e)
                                .context(format!("cannot write {}", path.display())),
                        )
                    }),
            }
        }
    };
    let _ = std::fs::remove_file(&tmp);
    result
}

/// Opens `path` for reading when it is a regular file. Opened without blocking (a FIFO's
/// open waits for a writer), then checked on the open file, so nothing can be swapped
/// in between.
pub(crate) fn open_regular(path: &Path) -> Option<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let f = opts.open(path).ok()?;
    f.metadata().ok()?.is_file().then_some(f)
}

/// The first line of a regular file (without its line break).
pub(crate) fn first_line(path: &Path) -> Option<String> {
    use std::io::BufRead;
    let f = open_regular(path)?;
    let mut first = String::new();
    std::io::BufReader::new(f).read_line(&mut first).ok()?;
    Some(first.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names() {
        assert_eq!(temp_owner(".env.rustauth-123.tmp"), Some(123));
        assert_eq!(temp_owner(".rustauth.toml.rustauth-9.tmp"), Some(9));
        assert_eq!(temp_owner("env.rustauth-9.tmp"), None);
        assert_eq!(temp_owner(".env.rustauth-x.tmp"), None);
        assert!(alive(std::process::id()));
    }

    #[test]
    fn symlinks_are_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.txt");
        let link = dir.path().join("link.txt");
        std::fs::write(&real, "old").unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("real.txt", &link).unwrap();
            write_atomic(&link, b"new", None).unwrap();
            assert!(
                std::fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
            // A dangling link: its target is created.
            let dangling = dir.path().join("dangling.txt");
            std::os::unix::fs::symlink("made.txt", &dangling).unwrap();
            write_atomic(&dangling, b"x", None).unwrap();
            assert_eq!(
                std::fs::read_to_string(dir.path().join("made.txt")).unwrap(),
                "x"
            );
        }
    }

    /// A write that fails after its temporary file exists (the rename onto a folder)
    /// leaves no temporary file behind, and the target as it was.
    #[test]
    fn failed_writes_leave_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("taken");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("inside"), "x").unwrap();
        assert!(write_atomic(&target, b"secret", Some(0o600)).is_err());
        assert!(target.join("inside").exists());
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["taken"]);
    }

    #[test]
    fn folder_locks_exclude_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_dir(dir.path()).unwrap();
        let e = lock_dir_waiting(dir.path(), Duration::from_millis(50)).unwrap_err();
        assert!(e.to_string().contains("another rustauth"), "{e}");
        drop(held);
        lock_dir_waiting(dir.path(), Duration::from_millis(50)).unwrap();
    }

    #[test]
    fn new_files_never_replace() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.sql");
        write_new(&p, b"one", None).unwrap();
        assert!(matches!(
            write_new(&p, b"two", None),
            Err(NewFileError::Exists)
        ));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a.sql"]);
    }
}
