//! The private key's file: reserved before `CreateKeyPair` is sent, filled after it.
//!
//! EC2 hands a private key out once, so the file has to be able to take it before the key
//! pair exists. [`reserve`] creates a temporary file beside the target (mode 0600, a new
//! file), writes [`KEY_ROOM`] bytes into it and syncs them: a full disk, a quota, a
//! read-only file system or a file size limit fails here, while nothing has been created.
//! The file keeps those blocks; [`Reserved::keep`] writes the key over them, syncs it and
//! links it into place under its name, never over a file that is there. Dropped without
//! `keep`, the temporary file goes.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Room proven before the call: a PEM private key is about 0.4 KB (ed25519) to 3.3 KB
/// (RSA-4096).
pub const KEY_ROOM: usize = 8 * 1024;

/// A temporary file beside the target, with room for a private key.
#[derive(Debug)]
pub struct Reserved {
    tmp: PathBuf,
    target: PathBuf,
    file: File,
}

/// Bytes that no file system stores in less than their size (zeros may be compressed or
/// left as a hole): xorshift from the process id and the clock.
fn filler(n: usize) -> Vec<u8> {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let mut x = (t ^ (u64::from(std::process::id()) << 32)) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

/// Reserves `target`: fails with `AlreadyExists` if something is there (a dangling link
/// included), or with the error that writing [`KEY_ROOM`] bytes beside it met.
pub fn reserve(target: &Path) -> std::io::Result<Reserved> {
    let dir = target
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !dir.exists() {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        b.create(dir)?;
    }
    if target.symlink_metadata().is_ok() {
        return Err(std::io::ErrorKind::AlreadyExists.into());
    }
    let name = target
        .file_name()
        .ok_or_else(|| std::io::Error::other("the path names no file"))?;
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".ec2tui-{}-{n}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    let file = o.open(&tmp)?;
    // from here on, dropping it removes the temporary file
    let mut r = Reserved {
        tmp,
        target: target.to_path_buf(),
        file,
    };
    r.file.write_all(&filler(KEY_ROOM))?;
    // a file system that allocates late (ext4, XFS) reports a full disk here, not later
    r.file.sync_all()?;
    Ok(r)
}

impl Reserved {
    /// Writes `key` over the room, syncs it, and puts it in place under the target's name;
    /// fails with `AlreadyExists` if a file took that name meanwhile (it is left as it is).
    pub fn keep(mut self, key: &[u8]) -> std::io::Result<()> {
        self.file.seek(SeekFrom::Start(0))?;
        self.file.write_all(key)?;
        self.file.set_len(key.len() as u64)?;
        self.file.sync_all()?;
        place(&self.tmp, &self.target)?;
        // the key is under its name now; the temporary name goes (on drop)
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty()) {
            // the new name survives a crash (best effort: not every system syncs a directory)
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        Ok(())
    }
}

/// `tmp` under the name `target`, never over a file that is there: a hard link (which
/// fails if the name is taken); where the file system has no hard links, a rename after
/// checking that the name is free.
fn place(tmp: &Path, target: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(tmp, target) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(e),
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::Unsupported | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            if target.symlink_metadata().is_ok() {
                return Err(std::io::ErrorKind::AlreadyExists.into());
            }
            std::fs::rename(tmp, target)
        }
        Err(e) => Err(e),
    }
}

impl Drop for Reserved {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}
