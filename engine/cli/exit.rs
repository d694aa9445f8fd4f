//! Exit codes, in one place. Documented in `docs/exit-codes.md`.

/// How `verdict` exits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the gate passed or only warned; the command succeeded.
    Success,
    /// 1: the gate failed (violations of soft or hard policies), or a policy
    /// test failed.
    Failure,
    /// 2: an error: bad input, bad configuration, a plugin error, bad usage.
    Error,
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        std::process::ExitCode::from(match status {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        })
    }
}
