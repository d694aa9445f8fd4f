//! Signature verification on a real repository signed with `ssh-keygen` and `gpg`, with git's
//! own `git verify-commit` (given the same allowed signers and keyring) as the oracle.

#![allow(
    clippy::unwrap_used,
    reason = "tests fail loudly on any unexpected error"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use verdict_evidence::{SignatureFormat, SignatureStatus};
use verdict_git::Keys;

/// Runs a program, failing the test with its stderr when it fails.
fn run(command: &mut Command) -> Output {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A test world: a repository, SSH keys, GnuPG homes, an allowed signers file and a keyring.
struct World {
    root: tempfile::TempDir,
    repo: PathBuf,
    /// The GnuPG home that holds the trusted secret keys.
    gnupg: PathBuf,
    /// One whose keys are not in the keyring.
    gnupg_other: PathBuf,
    /// One for the key that expires, whose clock is faked.
    gnupg_expired: PathBuf,
    /// Committer date of the next commit.
    time: i64,
}

impl World {
    fn new() -> World {
        let root = tempfile::tempdir().unwrap();
        let repo = root.path().join("repo");
        let make_home = |name: &str| {
            let path = root.path().join(name);
            fs_err::create_dir(&path).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                fs_err::set_permissions(&path, std::fs::Permissions::from_mode(0o700)).unwrap();
            }
            path
        };
        let world = World {
            gnupg: make_home("gnupg"),
            gnupg_other: make_home("gnupg-other"),
            gnupg_expired: make_home("gnupg-expired"),
            repo,
            root,
            time: 1_717_200_000,
        };
        fs_err::create_dir(&world.repo).unwrap();
        world
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.path().join(name)
    }

    fn gpg(&self, home: &Path, args: &[&str]) -> String {
        let output = run(Command::new("gpg")
            .env("GNUPGHOME", home)
            .args([
                "--batch",
                "--quiet",
                "--pinentry-mode",
                "loopback",
                "--passphrase",
                "",
            ])
            .args(args));
        String::from_utf8(output.stdout).unwrap()
    }

    /// Generates an OpenPGP signing key and returns its fingerprint.
    fn gpg_key(&self, home: &Path, user: &str, algorithm: &str) -> String {
        self.gpg(home, &["--quick-gen-key", user, algorithm, "sign", "0"]);
        let listing = self.gpg(home, &["--with-colons", "--list-keys", user]);
        listing
            .lines()
            .find_map(|line| line.strip_prefix("fpr:"))
            .map(|rest| rest.trim_matches(':').to_owned())
            .unwrap()
    }

    fn ssh_key(&self, name: &str, kind: &str) -> PathBuf {
        let path = self.path(name);
        run(Command::new("ssh-keygen")
            .args(["-q", "-t", kind, "-N", "", "-C", name, "-f"])
            .arg(&path));
        path
    }

    fn git(&mut self, gnupg: &Path, email: &str, args: &[&str]) -> String {
        let output = run(Command::new("git")
            .current_dir(&self.repo)
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", self.root.path())
            .env("GNUPGHOME", gnupg)
            .env("GIT_AUTHOR_NAME", "Author")
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_COMMITTER_NAME", "Committer")
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_AUTHOR_DATE", format!("@{} +0000", self.time))
            .env("GIT_COMMITTER_DATE", format!("@{} +0000", self.time)));
        self.time += 60;
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    /// Commits with `sign` (`-c` settings of gpg.format and user.signingkey, empty = unsigned).
    fn commit(&mut self, message: &str, email: &str, gnupg: &Path, sign: &[&str]) -> String {
        let gnupg = gnupg.to_owned();
        let mut args: Vec<&str> = sign.to_vec();
        args.extend(["commit", "--quiet", "--allow-empty", "-m", message]);
        if !sign.is_empty() {
            args.push("-S");
        }
        self.git(&gnupg, email, &args);
        self.git(&gnupg, email, &["rev-parse", "HEAD"])
    }

    /// Rewrites HEAD's commit object with another message and the old signature.
    fn tamper_head(&mut self, message: &str) -> String {
        let gnupg = self.gnupg.clone();
        let object = self.git(&gnupg, "x@example.com", &["cat-file", "commit", "HEAD"]);
        let (headers, old_message) = object.split_once("\n\n").unwrap();
        assert!(headers.contains("gpgsig"), "{object}");
        assert_ne!(old_message.trim(), message);
        let forged = format!("{headers}\n\n{message}\n");
        let forged_path = self.path("forged-commit");
        fs_err::write(&forged_path, forged).unwrap();
        let id = self.git(
            &gnupg,
            "x@example.com",
            &[
                "hash-object",
                "-t",
                "commit",
                "-w",
                forged_path.to_str().unwrap(),
            ],
        );
        self.git(
            &gnupg,
            "x@example.com",
            &["reset", "--quiet", "--hard", &id],
        );
        id
    }
}

impl Drop for World {
    fn drop(&mut self) {
        for home in [
            &self.gnupg,
            &self.gnupg_other,
            &self.gnupg_expired,
            &self.path("oracle"),
        ] {
            let _ = Command::new("gpgconf")
                .env("GNUPGHOME", home)
                .args(["--kill", "gpg-agent"])
                .output();
        }
    }
}

/// What git's `verify-commit --raw` says, as the verdict statuses that agree with it.
fn oracle(world: &World, allowed_signers: &Path, id: &str) -> (bool, String) {
    let output = Command::new("git")
        .current_dir(&world.repo)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", world.root.path())
        .env("GNUPGHOME", world.path("oracle"))
        .arg("-c")
        .arg(format!(
            "gpg.ssh.allowedSignersFile={}",
            allowed_signers.display()
        ))
        .args(["verify-commit", "--raw", id])
        .output()
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn verdict_agrees_with_git_verify_commit() {
    let mut world = World::new();
    let (gnupg, gnupg_other, gnupg_expired) = (
        world.gnupg.clone(),
        world.gnupg_other.clone(),
        world.gnupg_expired.clone(),
    );
    // Keys.
    let alice = world.ssh_key("alice", "ed25519");
    let rsa = world.ssh_key("rsa-user", "rsa");
    let mallory = world.ssh_key("mallory", "ed25519");
    let bob = world.ssh_key("bob", "ed25519");
    let carol = world.ssh_key("carol", "ed25519");
    let ed = world.gpg_key(&gnupg, "Ed Signer <ed@example.com>", "ed25519");
    let rsa_pgp = world.gpg_key(&gnupg, "Rsa Signer <rsa@example.com>", "rsa2048");
    let revoked = world.gpg_key(&gnupg, "Revoked Signer <revoked@example.com>", "ed25519");
    let stranger = world.gpg_key(&gnupg_other, "Stranger <stranger@example.com>", "ed25519");
    // The key that expires: made on 2020-01-01, its expiry set on 2020-01-02 to two days after
    // its creation, and used on 2020-01-11 (gpg's clock is faked for each step).
    let faked = |time: &str| {
        fs_err::write(
            gnupg_expired.join("gpg.conf"),
            format!("faked-system-time {time}\n"),
        )
        .unwrap();
    };
    faked("20200101T000000");
    let expired = world.gpg_key(
        &gnupg_expired,
        "Expired Signer <expired@example.com>",
        "ed25519",
    );
    let public_key = |path: &Path| {
        let line = fs_err::read_to_string(path.with_extension("pub")).unwrap();
        line.split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
    };
    let allowed_signers = world.path("allowed_signers");
    fs_err::write(
        &allowed_signers,
        format!(
            "# the team\nalice@example.com {}\nrsa@example.com,rsa-user@example.com {}\nbob@example.com valid-before=\"20000101Z\" {}\ncarol@example.com namespaces=\"file\" {}\n",
            public_key(&alice),
            public_key(&rsa),
            public_key(&bob),
            public_key(&carol),
        ),
    )
    .unwrap();

    // History.
    world.git(
        &gnupg,
        "x@example.com",
        &["init", "--quiet", "--initial-branch=main"],
    );
    let root = world.commit("root", "x@example.com", &gnupg, &[]);
    let ssh = |key: &Path| {
        vec![
            "-c".to_owned(),
            "gpg.format=ssh".to_owned(),
            "-c".to_owned(),
            format!("user.signingkey={}", key.display()),
        ]
    };
    let pgp = |fingerprint: &str| {
        vec![
            "-c".to_owned(),
            "gpg.format=openpgp".to_owned(),
            "-c".to_owned(),
            format!("user.signingkey={fingerprint}"),
        ]
    };
    let refs = |args: &[String]| {
        args.iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\u{1}")
    };
    let mut expected: BTreeMap<String, (&'static str, SignatureStatus)> = BTreeMap::new();
    let add = |expected: &mut BTreeMap<String, (&'static str, SignatureStatus)>,
               world: &mut World,
               label: &'static str,
               email: &str,
               home: &Path,
               sign: Vec<String>,
               status| {
        let joined = refs(&sign);
        let args: Vec<&str> = if joined.is_empty() {
            vec![]
        } else {
            joined.split('\u{1}').collect()
        };
        let id = world.commit(label, email, home, &args);
        expected.insert(id.clone(), (label, status));
        id
    };
    add(
        &mut expected,
        &mut world,
        "ssh ed25519",
        "alice@example.com",
        &gnupg,
        ssh(&alice),
        SignatureStatus::Good,
    );
    add(
        &mut expected,
        &mut world,
        "ssh rsa",
        "rsa-user@example.com",
        &gnupg,
        ssh(&rsa),
        SignatureStatus::Good,
    );
    add(
        &mut expected,
        &mut world,
        "ssh unknown key",
        "mallory@example.com",
        &gnupg,
        ssh(&mallory),
        SignatureStatus::UnknownKey,
    );
    add(
        &mut expected,
        &mut world,
        "ssh key of another principal",
        "eve@example.com",
        &gnupg,
        ssh(&alice),
        SignatureStatus::Good,
    );
    add(
        &mut expected,
        &mut world,
        "ssh key no longer valid",
        "bob@example.com",
        &gnupg,
        ssh(&bob),
        SignatureStatus::Expired,
    );
    add(
        &mut expected,
        &mut world,
        "ssh key for another namespace",
        "carol@example.com",
        &gnupg,
        ssh(&carol),
        SignatureStatus::Bad,
    );
    add(
        &mut expected,
        &mut world,
        "openpgp ed25519",
        "ed@example.com",
        &gnupg,
        pgp(&ed),
        SignatureStatus::Good,
    );
    add(
        &mut expected,
        &mut world,
        "openpgp rsa",
        "rsa@example.com",
        &gnupg,
        pgp(&rsa_pgp),
        SignatureStatus::Good,
    );
    add(
        &mut expected,
        &mut world,
        "openpgp unknown key",
        "stranger@example.com",
        &gnupg_other,
        pgp(&stranger),
        SignatureStatus::UnknownKey,
    );
    add(
        &mut expected,
        &mut world,
        "openpgp revoked key",
        "revoked@example.com",
        &gnupg,
        pgp(&revoked),
        SignatureStatus::Revoked,
    );
    faked("20200111T000000");
    add(
        &mut expected,
        &mut world,
        "openpgp expired key",
        "expired@example.com",
        &gnupg_expired,
        pgp(&expired),
        SignatureStatus::Expired,
    );
    faked("20200102T000000");
    world.gpg(&gnupg_expired, &["--quick-set-expire", &expired, "1d"]);
    add(
        &mut expected,
        &mut world,
        "unsigned",
        "x@example.com",
        &gnupg,
        vec![],
        SignatureStatus::Unsigned,
    );
    // Tampered after signing: same headers and signature, another message.
    world.commit(
        "ssh signed, then changed",
        "alice@example.com",
        &gnupg,
        &refs(&ssh(&alice)).split('\u{1}').collect::<Vec<_>>(),
    );
    let tampered_ssh = world.tamper_head("ssh signed, and changed after");
    expected.insert(tampered_ssh, ("ssh tampered", SignatureStatus::Bad));
    world.commit(
        "openpgp signed, then changed",
        "ed@example.com",
        &gnupg,
        &refs(&pgp(&ed)).split('\u{1}').collect::<Vec<_>>(),
    );
    let tampered_pgp = world.tamper_head("openpgp signed, and changed after");
    expected.insert(tampered_pgp, ("openpgp tampered", SignatureStatus::Bad));
    // A signed merge of a side branch.
    world.git(
        &gnupg,
        "x@example.com",
        &["checkout", "--quiet", "-b", "side", &root],
    );
    add(
        &mut expected,
        &mut world,
        "side",
        "alice@example.com",
        &gnupg,
        ssh(&alice),
        SignatureStatus::Good,
    );
    world.git(&gnupg, "x@example.com", &["checkout", "--quiet", "main"]);
    let mut merge_args = ssh(&alice);
    merge_args.extend([
        "merge".to_owned(),
        "--quiet".to_owned(),
        "--no-ff".to_owned(),
        "-S".to_owned(),
        "-m".to_owned(),
        "merge side".to_owned(),
        "side".to_owned(),
    ]);
    world.git(
        &gnupg,
        "alice@example.com",
        &merge_args.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let merge = world.git(&gnupg, "x@example.com", &["rev-parse", "HEAD"]);
    expected.insert(merge.clone(), ("ssh signed merge", SignatureStatus::Good));

    // The keyring: every public key of the trusted homes (the revoked one with its revocation,
    // the expiring one with its last expiry), none of the stranger's.
    let revocation = fs_err::read_to_string(
        gnupg
            .join("openpgp-revocs.d")
            .join(format!("{revoked}.rev")),
    )
    .unwrap();
    let revocation = revocation.replace(
        ":-----BEGIN PGP PUBLIC KEY BLOCK-----",
        "-----BEGIN PGP PUBLIC KEY BLOCK-----",
    );
    let revocation_path = world.path("revocation.asc");
    fs_err::write(&revocation_path, revocation).unwrap();
    world.gpg(&gnupg, &["--import", revocation_path.to_str().unwrap()]);
    let mut keyring = world.gpg(&gnupg, &["--armor", "--export"]);
    keyring.push_str(&world.gpg(&gnupg_expired, &["--armor", "--export"]));
    let keyring_path = world.path("keyring.asc");
    fs_err::write(&keyring_path, &keyring).unwrap();
    let oracle_home = world.path("oracle");
    fs_err::create_dir(&oracle_home).unwrap();
    world.gpg(&oracle_home, &["--import", keyring_path.to_str().unwrap()]);

    // Verdict's view.
    let keys = Keys::load(Some(&allowed_signers), Some(&keyring_path)).unwrap();
    let mut commits = verdict_git::commits(&world.repo, Some(&root), None).unwrap();
    assert_eq!(commits.len(), expected.len());
    verdict_git::verify(&world.repo, &mut commits, &keys).unwrap();
    let mut mismatches = Vec::new();
    for commit in &commits {
        let (label, status) = expected[&commit.id];
        let check = &commit.signature_check;
        let (git_good, git_says) = oracle(&world, &allowed_signers, &commit.id);
        if check.status != status || (check.status == SignatureStatus::Good) != git_good {
            mismatches.push(format!(
                "{label}: verdict {check:?}, expected {status:?}, git verify-commit {}: {git_says}",
                if git_good { "good" } else { "not good" }
            ));
        }
        // Where git names the cause, it is the same one.
        let agrees = match check.status {
            SignatureStatus::UnknownKey if check.format == Some(SignatureFormat::OpenPgp) => {
                git_says.contains("NO_PUBKEY")
            }
            SignatureStatus::UnknownKey | SignatureStatus::Expired
                if check.format == Some(SignatureFormat::Ssh) =>
            {
                git_says.contains("No principal matched")
            }
            SignatureStatus::Expired => git_says.contains("EXPKEYSIG"),
            SignatureStatus::Revoked => git_says.contains("REVKEYSIG"),
            SignatureStatus::Bad if check.format == Some(SignatureFormat::OpenPgp) => {
                git_says.contains("BADSIG")
            }
            SignatureStatus::Good if check.format == Some(SignatureFormat::OpenPgp) => {
                git_says.contains("GOODSIG")
            }
            SignatureStatus::Good => git_says.contains("Good \"git\" signature for"),
            SignatureStatus::Unsigned => git_says.is_empty(),
            _ => true,
        };
        if !agrees {
            mismatches.push(format!("{label}: verdict {check:?}, git says: {git_says}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));

    // What a policy is told.
    let by_label = |wanted: &str| {
        commits
            .iter()
            .find(|commit| expected[&commit.id].0 == wanted)
            .map(|commit| commit.signature_check.clone())
            .unwrap()
    };
    let good = by_label("ssh ed25519");
    assert_eq!(good.format, Some(SignatureFormat::Ssh));
    assert_eq!(good.signer.as_deref(), Some("alice@example.com"));
    let fingerprint = run(Command::new("ssh-keygen")
        .arg("-lf")
        .arg(alice.with_extension("pub")));
    let fingerprint = String::from_utf8(fingerprint.stdout).unwrap();
    assert_eq!(
        good.key_fingerprint.as_deref(),
        fingerprint.split_whitespace().nth(1)
    );
    // Git calls a key found for another principal good; the signer says whose it is.
    let other = by_label("ssh key of another principal");
    assert_eq!(other.signer.as_deref(), Some("alice@example.com"));
    let rsa_ssh = by_label("ssh rsa");
    assert_eq!(rsa_ssh.signer.as_deref(), Some("rsa-user@example.com"));
    let pgp_good = by_label("openpgp rsa");
    assert_eq!(pgp_good.format, Some(SignatureFormat::OpenPgp));
    assert_eq!(
        pgp_good.signer.as_deref(),
        Some("Rsa Signer <rsa@example.com>")
    );
    assert_eq!(pgp_good.key_fingerprint.as_deref(), Some(rsa_pgp.as_str()));
    assert!(
        by_label("openpgp revoked key")
            .reason
            .unwrap()
            .contains("revoked")
    );
    assert!(
        by_label("ssh tampered")
            .reason
            .unwrap()
            .contains("does not verify")
    );
    assert_eq!(
        by_label("openpgp unknown key").key_fingerprint.as_deref(),
        Some(stranger.as_str())
    );

    // Without keys of a format, its signatures are not checked (never good).
    let only_ssh = Keys::load(Some(&allowed_signers), None).unwrap();
    let mut commits = verdict_git::commits(&world.repo, Some(&root), None).unwrap();
    verdict_git::verify(&world.repo, &mut commits, &only_ssh).unwrap();
    for commit in &commits {
        let check = &commit.signature_check;
        if check.format == Some(SignatureFormat::OpenPgp) {
            assert_eq!(
                check.status,
                SignatureStatus::NotChecked,
                "{}",
                expected[&commit.id].0
            );
            assert!(check.reason.as_deref().unwrap().contains("--keyring"));
        }
    }
}

#[test]
fn key_files_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let signers = dir.path().join("allowed_signers");
    fs_err::write(
        &signers,
        "# ok\n\nalice@example.com ssh-ed25519 not-base64\n",
    )
    .unwrap();
    let error = Keys::load(Some(&signers), None).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("`{}`, line 3: ", signers.display())),
        "{error}"
    );
    let keyring = dir.path().join("keyring.asc");
    fs_err::write(
        &keyring,
        "junk\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n",
    )
    .unwrap();
    let error = Keys::load(None, Some(&keyring)).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("`{}`, line 2: ", keyring.display())),
        "{error}"
    );
    fs_err::write(&keyring, "no key here\n").unwrap();
    let error = Keys::load(None, Some(&keyring)).unwrap_err().to_string();
    assert!(error.contains("no armored public key"), "{error}");
    let missing = dir.path().join("missing");
    let error = Keys::load(Some(&missing), None).unwrap_err().to_string();
    assert!(
        error.starts_with(&format!("cannot read `{}`", missing.display())),
        "{error}"
    );
}
